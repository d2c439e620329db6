import { loadPeer, PACKAGE_NAME } from '../shared/require-peer';

// Say once, clearly, that this entry needs mongodb, before anything else loads it.
loadPeer('mongodb', `${PACKAGE_NAME}/mongodb`);
