export { HealthModule } from './health.module';
export type { HealthModuleExtras } from './health.module-definition';
export { MODULE_OPTIONS_TOKEN as HEALTH_MODULE_OPTIONS } from './health.module-definition';
export {
  BUILT_IN_COMPONENTS,
  COMPONENT_NAME_PATTERN,
  HEALTH_DEFAULTS,
  resolveHealthOptions,
} from './health.options';
export type {
  BuiltInComponent,
  HealthModuleOptions,
  LegacyEndpointOptions,
} from './health.options';
export { healthOptionsFromEnv } from './health.env';
export type { HealthEnv } from './health.env';
export { HealthService } from './core/health.service';
export type { ReportListener } from './core/health.service';
export { RegisterHealthIndicator } from './core/indicator.explorer';
export { HealthStatus } from './core/health-status';
export type {
  ComponentStatus,
  HealthMetadata,
  IndicatorResult,
  SystemHealthStatus,
} from './core/health-status';
export type {
  HealthCheckDefinition,
  HealthCheckOptions,
  HealthIndicator,
  RegisterOptions,
  Unregister,
} from './core/health-check';
export {
  DuplicateHealthCheckError,
  HealthConfigurationError,
  UnknownComponentError,
} from './core/errors';
export type { HealthClock } from './core/clock';
export { aggregateStatus } from './core/aggregate';
export { formatLegacyTimestamp, toLegacyBody } from './http/legacy.format';
export type { LegacyHealthBody } from './http/legacy.format';
export { Redactor } from './core/redact';
export * from './indicators/cache';
export * from './indicators/resilience';
export * from './indicators/ai-model';
export * from './indicators/database';
export * from './indicators/runtime';
