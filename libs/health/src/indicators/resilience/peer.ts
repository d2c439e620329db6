import { loadPeer, PACKAGE_NAME } from '../../shared/require-peer';

// Circuit breakers are cockatiel's: say so once, clearly, before anything else loads it.
loadPeer('cockatiel', `${PACKAGE_NAME}/resilience`);
