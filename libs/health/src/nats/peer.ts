import { loadPeer, PACKAGE_NAME } from '../shared/require-peer';

// Say once, clearly, that this entry needs nats, before anything else loads it.
loadPeer('nats', `${PACKAGE_NAME}/nats`);
