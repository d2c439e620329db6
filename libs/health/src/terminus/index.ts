// @nest-health/core/terminus: Terminus indicators as checks, and Terminus's response format.
// It loads nothing of @nestjs/terminus: results are read by their shape, so the format route
// keeps working once Terminus is uninstalled.

export { terminusCheck, TerminusResultError } from './terminus.check';
export type { TerminusCheckOptions } from './terminus.check';
export { TERMINUS_MEDIA_TYPE, terminusWriter } from './terminus.writer';
export { HealthTerminusModule } from './health-terminus.module';
export type { HealthTerminusOptions } from './health-terminus.module';
export type { TerminusIndicator } from './terminus.types';
