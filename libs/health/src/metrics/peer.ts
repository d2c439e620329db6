import { loadPeer, PACKAGE_NAME } from '../shared/require-peer';

// The metrics entry needs prom-client: say so once, clearly, before anything else loads it.
loadPeer('prom-client', `${PACKAGE_NAME}/metrics`);
