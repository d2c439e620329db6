import { HealthStatus } from './health-status';

export interface AggregationInput {
  status: HealthStatus;
  /** A non-critical component that is UNHEALTHY makes the system at worst DEGRADED. */
  critical: boolean;
}

const RANK: Record<HealthStatus, number> = {
  [HealthStatus.HEALTHY]: 0,
  [HealthStatus.DEGRADED]: 1,
  [HealthStatus.UNHEALTHY]: 2,
};

/** Worst status wins, softened by `critical`; no components at all is HEALTHY. */
export function aggregateStatus(components: readonly AggregationInput[]): HealthStatus {
  let worst = HealthStatus.HEALTHY;
  for (const { status, critical } of components) {
    const effective =
      status === HealthStatus.UNHEALTHY && !critical ? HealthStatus.DEGRADED : status;
    if (RANK[effective] > RANK[worst]) worst = effective;
  }
  return worst;
}
