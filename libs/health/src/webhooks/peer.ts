import { loadPeer, PACKAGE_NAME } from '../shared/require-peer';

// Deliveries retry with cockatiel: say so once, clearly, before anything else loads it.
loadPeer('cockatiel', `${PACKAGE_NAME}/webhooks`);
