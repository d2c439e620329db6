import type { HealthMetadata, HealthStatus, IndicatorResult } from './health-status';

/** Per-check behaviour; anything left out comes from the module defaults. */
export interface HealthCheckOptions {
  /** Bounds the whole check, retries included. */
  timeoutMs?: number;
  /** Retries after a thrown or rejected attempt, with exponential backoff. */
  retries?: number;
  /** When false, an UNHEALTHY result makes the system at worst DEGRADED. Default true. */
  critical?: boolean;
  /** Labels that select checks for probe groups, e.g. `['ready']`. */
  tags?: readonly string[];
  /** Reuse a result for this long; 0 = every evaluation runs afresh. */
  cacheTtlMs?: number;
  /**
   * Reuse a result that is not HEALTHY (a failure, a timeout, a degraded verdict) at most this
   * long, so a recovery shows within it even with a long `cacheTtlMs`. Default 5000.
   */
  failureCacheTtlMs?: number;
  /**
   * Give `check()` an `AbortSignal` of its own, aborted when the check times out or the app
   * shuts down. Default false: the check gets a shared signal that never aborts (an
   * AbortController per run costs more than the rest of the run). Set it when the check can
   * stop its work (a fetch, a socket).
   */
  abortable?: boolean;
  /**
   * The status a timed-out run gets. Default DEGRADED (the legacy body needs it). Whatever it is,
   * readiness fails while a check it covers last timed out.
   */
  timeoutStatus?: HealthStatus;
  /**
   * A HEALTHY answer slower than this many ms is DEGRADED, with a message giving the time.
   * 0 (default) turns it off.
   */
  degradedAboveMs?: number;
  /** Consecutive UNHEALTHY results needed before the check is reported UNHEALTHY. Default 1. */
  failuresBeforeUnhealthy?: number;
  /** Consecutive HEALTHY results needed, after a bad status, before it is HEALTHY again. Default 1. */
  successesBeforeHealthy?: number;
  /** `false` pauses the check: registered, but not run and in no report. Default true. */
  enabled?: boolean;
  /**
   * `shadow`: the check runs and shows in the full report (marked), metrics and trends, but never
   * counts toward the overall status, readiness or the legacy body. Default `active`.
   */
  mode?: CheckMode;
  /**
   * Limits the indicator judges its own figures by (the cache's hit ratio, how many open
   * breakers make `resilience` DEGRADED...), by name, over the indicator's own values. Only for
   * indicators that declare `tunableThresholds`; each validates its own.
   */
  thresholds?: Readonly<Record<string, number>>;
}

/**
 * Limits an indicator judges its figures by, made tunable like the check options: the engine
 * merges the indicator's own values with those of the options, the file and runtime changes,
 * has them validated, and hands the result over.
 */
export interface TunableThresholds {
  /** The indicator's own values (from its constructor options). */
  readonly defaults: Readonly<Record<string, number>>;
  /**
   * Throws a `HealthConfigurationError` naming `<where>.<key>` when these values are not valid
   * together (an unknown key, a ratio above 1...).
   */
  validate(values: Readonly<Record<string, number>>, where: string): void;
  /** Judges with these values from the next run on. */
  apply(values: Readonly<Record<string, number>>): void;
}

export const CHECK_MODES = ['active', 'shadow'] as const;
export type CheckMode = (typeof CHECK_MODES)[number];

/**
 * One component's check. Implement it on an `@Injectable()` class decorated with
 * `@RegisterHealthIndicator()`, or pass an object literal to `HealthService.register()`.
 *
 * `check` says how the component is; the engine owns the name, timing, timeout and
 * turns throws, hangs and garbage into statuses.
 */
export interface HealthIndicator {
  readonly name: string;
  /**
   * What the component is (provider, model, backend...), merged into every status the engine
   * reports for it, including timeouts and errors; the result's own metadata wins on a clash.
   */
  readonly baseMetadata?: HealthMetadata;
  /**
   * Says how the component is. `signal` aborts on timeout or shutdown only when the check is
   * `abortable` (declared on the indicator or in its options); otherwise it never aborts.
   */
  check(signal: AbortSignal): IndicatorResult | Promise<IndicatorResult>;
  /**
   * Whether the component has settled since startup (a client connected, or failed to). Until
   * every indicator has (or the startup grace ends), reports are the baseline: no status change
   * is logged or announced for them. Absent: settled from the start.
   */
  settled?(): boolean;
  /** Limits that the `thresholds` check option, the file and the admin endpoint can change. */
  readonly tunableThresholds?: TunableThresholds;
}

/** An indicator together with its options, as listed in module options or registered at runtime. */
export type HealthCheckDefinition = HealthIndicator & HealthCheckOptions;

export interface RegisterOptions extends HealthCheckOptions {
  /** Replace an existing check of the same name instead of failing. */
  replace?: boolean;
}

/** Removes the registration it was returned for; calling it again does nothing. */
export type Unregister = () => void;
