import { loadPeer, PACKAGE_NAME } from '../shared/require-peer';

// Say once, clearly, that this entry needs mqtt, before anything else loads it.
loadPeer('mqtt', `${PACKAGE_NAME}/mqtt`);
