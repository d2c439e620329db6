import { HealthStatus } from '../core/health-status';

/** How a status is kept in a sample (one byte). */
export const STATUS_CODES: Readonly<Record<HealthStatus, number>> = {
  [HealthStatus.HEALTHY]: 0,
  [HealthStatus.DEGRADED]: 1,
  [HealthStatus.UNHEALTHY]: 2,
};
