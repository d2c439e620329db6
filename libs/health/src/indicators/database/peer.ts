import { loadPeer, PACKAGE_NAME } from '../../shared/require-peer';

// The PostgreSQL indicator pings through pg: say so once, clearly, before anything else loads it.
loadPeer('pg', `${PACKAGE_NAME}/postgres`);
