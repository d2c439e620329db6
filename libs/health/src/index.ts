// The main entry of @nest-health/core. It loads no optional peer: metrics, webhooks, PostgreSQL,
// circuit breakers and test helpers live behind their own sub-paths.

// The module and its options
export { HealthModule } from './health.module';
export type { HealthModuleExtras } from './health.module-definition';
export { MODULE_OPTIONS_TOKEN as HEALTH_MODULE_OPTIONS } from './health.module-definition';
export { COMPONENT_NAME_PATTERN, HEALTH_DEFAULTS } from './health.options';
export type { HealthEngineOptions, HealthModuleOptions } from './health.options';
export { healthOptionsFromEnv } from './health.env';
export { validateHealthOptions } from './health.validate';
export type { HealthEnv, HealthEnvOptions } from './health.env';
export { enableGracefulShutdown } from './core/graceful-shutdown';
export type { GracefulShutdownOptions } from './core/graceful-shutdown';

// The engine and what checks return
export { HealthService } from './core/health.service';
export type {
  CheckSelection,
  ReportInfo,
  ReportListener,
  RunListener,
} from './core/health.service';
export type { CheckRun, RunOutcome } from './core/check-runner';
export { RegisterHealthIndicator } from './core/indicator.explorer';
export type { LogFormat, TransitionLogEntry } from './core/transition.log';
export { HealthStatus } from './core/health-status';
export type {
  ComponentStatus,
  HealthMetadata,
  IndicatorResult,
  SystemHealthStatus,
} from './core/health-status';
export {
  CONFIG_FILE_MAX_BYTES,
  CONFIG_FILE_MAX_YAML_BYTES,
  readConfigurationFile,
} from './core/config-file.reader';
export { ConfigFleet, ConfigFleetUnavailableError } from './core/config-fleet';
export type { ConfigFleetOptions, FleetChangeEvent } from './core/config-fleet';
export type { TunableThresholds } from './core/health-check';
export type {
  CheckConfiguration,
  ConfigChange,
  ConfigChangeEvent,
  ConfigPatch,
  ConfigSource,
  ConfigValue,
  HealthConfiguration,
} from './core/health-configuration';
export type {
  CheckMode,
  HealthCheckDefinition,
  HealthCheckOptions,
  HealthIndicator,
  RegisterOptions,
  Unregister,
} from './core/health-check';
export type { HealthClock } from './core/clock';
export {
  DuplicateHealthCheckError,
  HealthConfigurationError,
  UnknownComponentError,
} from './core/errors';
export { MissingPeerDependencyError } from './shared/require-peer';
export { Redactor } from './core/redact';

// HTTP: routes, details, writers
export type {
  DetailsVisibility,
  HealthEndpoints,
  HealthHttpOptions,
  HealthRequest,
  HealthRouteVersion,
  HealthRoutesOptions,
  LegacyBodyOptions,
  LegacyField,
} from './http/http.options';
export type { HealthEventsOptions } from './http/events.options';
export type { ReportEventData, TransitionEventData } from './http/health-event';
export { HealthRouteConflictError } from './shared/route-clash';
export { READINESS_TAG } from './http/probes';
export { isAuthorized } from './http/api-key';
export { fullReportWriter, healthJsonWriter, prometheusWriter } from './http/writers';
export type { HealthWriter, HealthWriterContext, HealthWriterResponse } from './http/writers';

// Formats: pure functions from a report
export {
  formatLegacyTimestamp,
  LEGACY_TEMPLATE_FIELDS,
  toLegacyBody,
} from './formats/legacy.format';
export type { LegacyHealthBody } from './formats/legacy.format';
export { HEALTH_JSON, toHealthJson } from './formats/health-json.format';
export type { HealthJsonBody } from './formats/health-json.format';
export { httpStatusOf, toFullReport } from './formats/report.format';
export type { ComponentBody, FullReportBody } from './formats/report.format';
export { toPrometheusText } from './formats/prometheus.format';
export { HEALTH_METRIC_NAMES } from './formats/metric-names';

// Trends
export { HealthTrends, TREND_WINDOWS } from './trends';
export type { TrendOptions } from './trends/trend.options';
export type {
  ComponentTrend,
  ResponseTimeSummary,
  TrendDirection,
  TrendsReport,
  TrendWindow,
} from './trends';

// Indicators that need no optional peer
export * from './indicators/ai-model';
export * from './indicators/cache';
export * from './indicators/database';
export * from './indicators/runtime';
