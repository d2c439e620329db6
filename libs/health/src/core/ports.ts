import type { TrendWindow } from '../shared/trend-window';
import type { ComponentStatus, SystemHealthStatus } from './health-status';

/**
 * The contracts consumers meet through, without importing one another: each is provided by one
 * part of the package (by DI token) and used by others, optionally.
 */

/** The request as the details rule and the event stream see it: Node's IncomingMessage. */
export interface HealthRequest {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly url?: string;
  readonly method?: string;
}

/**
 * Who may see messages and metadata in reports: provided by the HTTP endpoints (from `details`,
 * `detailsKeys`, `authorizeDetails`), used by every other route that shows a report.
 */
export interface DetailsAccess {
  /** Whether this caller may see details. Never rejects. */
  details(request: HealthRequest): Promise<boolean>;
  /** Whether this exact value is one of the details keys (an admin key may not be one). */
  isDetailsKey(key: string): boolean;
}
export const DETAILS_ACCESS = Symbol('HEALTH_DETAILS_ACCESS');

/** The runtime configuration's counters: provided by `HealthConfigModule`, read by metrics. */
export interface ConfigStatus {
  /** 1 at startup, bumped by every applied change. */
  readonly version: number;
  /** Reloads (a file, a fleet revision) refused since startup. */
  readonly failures: number;
}
export const CONFIG_STATUS = Symbol('HEALTH_CONFIG_STATUS');

/** Samples of one component, oldest first: what a trend store keeps. */
export interface SampleSeries {
  /** Epoch milliseconds. */
  readonly times: ArrayLike<number>;
  /** Status codes: 0 healthy, 1 degraded, 2 unhealthy. */
  readonly statuses: ArrayLike<number>;
  readonly responseTimesMs: ArrayLike<number>;
}

/** A component's figures over a window. */
export interface TrendSummary {
  availabilityPct: number | null;
  p95Ms: number | null;
}

/** Trend data for the status page: provided by the trends, when they are recorded. */
export interface TrendSource {
  /** Figures per component over the window. */
  summary(window: TrendWindow): ReadonlyMap<string, TrendSummary>;
  /** A component's samples after `afterMs` (epoch ms); undefined when it has none. */
  samples(name: string, afterMs: number): SampleSeries | undefined;
}
export const TREND_SOURCE = Symbol('HEALTH_TREND_SOURCE');

/**
 * How a circuit breaker is reported (by the resilience indicator's registry, to the metrics);
 * `isolated` is held open by hand with `policy.isolate()`.
 */
export type CircuitBreakerState = 'closed' | 'open' | 'half_open' | 'isolated';

/**
 * Writers turn a report into a response of one media type: the HTTP endpoints negotiate among
 * them; other parts (Terminus) provide one. What a writer knows besides the report:
 */
export interface HealthWriterContext {
  /** Whether this caller may see messages and metadata. */
  details: boolean;
  /** The application version reports are labelled with. */
  version: string;
  /** Whether the service is shutting down (draining after SIGTERM). */
  draining?: boolean;
  /**
   * When a component's result was produced (epoch ms): older than the report when it came from
   * cache or, in a `lastKnown` report, from before the answer's budget. Undefined when unknown.
   */
  checkedAtMs?: (component: ComponentStatus) => number | undefined;
}

/** A response, as data: the controller sends it through Nest. */
export interface HealthWriterResponse {
  status: number;
  headers?: Readonly<Record<string, string>>;
  /** A string is sent as it is; anything else as JSON. */
  body: unknown;
}

/** Turns a report into a response of one media type. Pure: no I/O, no state. */
export interface HealthWriter {
  /** The media type it answers `Accept` for, e.g. `application/health+json`. */
  readonly mediaType: string;
  write(report: SystemHealthStatus, context: HealthWriterContext): HealthWriterResponse;
}
