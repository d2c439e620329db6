import { loadPeer, PACKAGE_NAME } from '../../shared/require-peer';

// The gRPC indicator calls through @grpc/grpc-js: say so once, clearly, before anything else loads it.
loadPeer('@grpc/grpc-js', `${PACKAGE_NAME}/grpc`);
