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
export { enableGracefulShutdown } from './core/graceful-shutdown';
export type { GracefulShutdownOptions } from './core/graceful-shutdown';
export type { CheckSelection, ReportInfo, RunListener } from './core/health.service';
export type { CheckRun, RunOutcome } from './core/check-runner';
export { DETAILS_VISIBILITY, isHttpUrl } from './health.options';
export type { DetailsVisibility } from './health.options';
export { isAuthorized, presentedApiKey } from './http/api-key';
export { HEALTH_JSON, toHealthJson } from './http/health-json.format';
export type {
  HealthJsonBody,
  HealthJsonCheck,
  HealthJsonOptions,
  HealthJsonStatus,
} from './http/health-json.format';
export { httpStatusOf, toComponentBody, toFullReport } from './http/report.format';
export type { ComponentBody, FullReportBody } from './http/report.format';
export { toPrometheusText } from './http/prometheus.format';
export { READINESS_TAG } from './http/probes.controller';
export * from './metrics';
export * from './trends';
export * from './webhooks';
