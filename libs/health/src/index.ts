// The main entry of @nest-health/core: the module, the engine, the HTTP endpoints, trends and the
// indicators that need no optional peer. It loads no optional peer: runtime configuration,
// metrics, webhooks, PostgreSQL, gRPC, circuit breakers, Gemini, Terminus interop, OpenAPI and
// test helpers live behind their own sub-paths.

// The module and its options
export { HealthModule } from './health.module';
export type { HealthModuleExtras } from './health.module-definition';
export type { HealthModuleOptions } from './health.options';
export type { HealthEndpoints, HealthRoutesOptions } from './http/http.options';
export { healthOptionsFromEnv } from './health.env';
export type { HealthEnv } from './shared/env';
export { validateHealthOptions } from './health.validate';
export { enableGracefulShutdown } from './core/graceful-shutdown';
export type { GracefulShutdownOptions } from './core/graceful-shutdown';

// The engine, and what checks are and return
export { HealthService } from './core/health.service';
export { HEALTH_EVALUATION_JOB } from './core/evaluation-job';
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
  TunableThresholds,
  Unregister,
} from './core/health-check';
export { RegisterHealthIndicator } from './core/indicator.explorer';
export type { CheckSelection } from './core/selection';
export type { ReportInfo, ReportListener } from './core/report-events';
export type { HealthClock } from './core/clock';

// Errors
export {
  DuplicateHealthCheckError,
  HealthConfigurationError,
  UnknownComponentError,
} from './shared/errors';
export { MissingPeerDependencyError } from './shared/require-peer';
export { Redactor } from './shared/redact';
export { HealthRouteConflictError } from './shared/route-clash';

// HTTP: details, the legacy body, writers by media type
export type { DetailsVisibility, LegacyBodyOptions, LegacyField } from './http/http.options';
export type { HealthRequest } from './core/ports';
export type { HealthRouteVersion } from './shared/routes';
export { READINESS_TAG } from './shared/names';
export { fullReportWriter, healthJsonWriter, prometheusWriter } from './http/writers';
export type { HealthWriter, HealthWriterContext, HealthWriterResponse } from './core/ports';

// The event stream and trends
export type { HealthEventsOptions } from './events/events.options';
export type { ReportEventData, TransitionEventData } from './events/health-event';
export { HealthTrends } from './trends/health-trends.service';
export type { TrendOptions } from './trends/trend.options';
export type { ComponentTrend, TrendsReport } from './trends/trend.types';
export type { TrendWindow } from './shared/trend-window';

// Indicators that need no optional peer
export { CacheIndicator } from './indicators/cache/cache.indicator';
export type { CacheIndicatorOptions } from './indicators/cache/cache.indicator';
export { DatabaseIndicator } from './indicators/database/database.indicator';
export type { DatabaseIndicatorOptions } from './indicators/database/database.indicator';
export { RuntimeIndicator } from './indicators/runtime/runtime.indicator';
export type { RuntimeIndicatorOptions } from './indicators/runtime/runtime.options';
export { DiskIndicator } from './indicators/disk/disk.indicator';
export type { DiskIndicatorOptions } from './indicators/disk/disk.options';
export { DnsIndicator } from './indicators/dns/dns.indicator';
export type { DnsIndicatorOptions } from './indicators/dns/dns.indicator';
export { TcpIndicator } from './indicators/tcp/tcp.indicator';
export type { TcpIndicatorOptions } from './indicators/tcp/tcp.indicator';
export { HttpIndicator } from './indicators/http/http.indicator';
export type { HttpIndicatorOptions } from './indicators/http/http.options';
