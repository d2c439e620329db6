import { loadPeer, PACKAGE_NAME } from '../shared/require-peer';

// The MySQL / MariaDB indicator pings through mysql2: say so once, clearly, before anything else loads it.
loadPeer('mysql2', `${PACKAGE_NAME}/mysql`);
