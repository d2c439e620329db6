import { loadPeer, PACKAGE_NAME } from '../shared/require-peer';

// The OpenAPI entry needs @nestjs/swagger: say so once, clearly, before anything else loads it.
loadPeer('@nestjs/swagger', `${PACKAGE_NAME}/openapi`);
