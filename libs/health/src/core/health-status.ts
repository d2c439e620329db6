/** The three states every component and the system as a whole can be in. */
export enum HealthStatus {
  HEALTHY = 'healthy',
  DEGRADED = 'degraded',
  UNHEALTHY = 'unhealthy',
}

export const HEALTH_STATUSES: readonly HealthStatus[] = Object.values(HealthStatus);

export function isHealthStatus(value: unknown): value is HealthStatus {
  return typeof value === 'string' && (HEALTH_STATUSES as readonly string[]).includes(value);
}

/** JSON-safe metadata an indicator attaches to its status. */
export type HealthMetadata = Record<string, unknown>;

/** The result of one component's check, as serialized everywhere. */
export interface ComponentStatus {
  name: string;
  status: HealthStatus;
  message: string;
  /** Measured by the engine on a monotonic clock, retries included. */
  response_time_ms: number;
  metadata: HealthMetadata;
  /** Present (true) on a shadow check's status: shown, never counted. */
  shadow?: true;
}

/** One full evaluation of the system: the report every consumer reads. */
export interface SystemHealthStatus {
  overall_status: HealthStatus;
  components: ComponentStatus[];
  /** When the evaluation finished, in epoch seconds. */
  timestamp: number;
  /**
   * The answer did not wait for every check (`checkWithin`): checks still running show their
   * last known result, and `timestamp` is the time of the answer.
   */
  lastKnown?: true;
}

/** What an indicator returns: the engine fills in `name` and `response_time_ms`. */
export interface IndicatorResult {
  status: HealthStatus;
  message?: string;
  metadata?: HealthMetadata;
}
