// @nest-health/core/grpc: the gRPC health-checking protocol's indicator. Needs the optional peer
// `@grpc/grpc-js`.
import '../indicators/grpc/peer';

export { GrpcIndicator } from '../indicators/grpc/grpc.indicator';
export type { GrpcIndicatorOptions } from '../indicators/grpc/grpc.indicator';
