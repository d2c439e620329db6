import type { SystemHealthStatus } from '../core/health-status';
import { HealthStatus } from '../core/health-status';

/** The body of the legacy `GET /v1/health`: these six keys, in this order. */
export interface LegacyHealthBody {
  status: 'healthy' | 'degraded';
  timestamp: string;
  version: string;
  ai_model_available: boolean;
  resilience_healthy: boolean | null;
  cache_healthy: boolean | null;
}

/** Maps a report to the legacy body: only HEALTHY is "healthy", every other status "degraded". */
export function toLegacyBody(report: SystemHealthStatus, version: string): LegacyHealthBody {
  const statusOf = (name: string) => report.components.find((c) => c.name === name)?.status;
  const healthyOrNull = (name: string) => {
    const status = statusOf(name);
    return status === undefined ? null : status === HealthStatus.HEALTHY;
  };
  return {
    status: report.overall_status === HealthStatus.HEALTHY ? 'healthy' : 'degraded',
    timestamp: formatLegacyTimestamp(report.timestamp),
    version,
    ai_model_available: statusOf('ai_model') === HealthStatus.HEALTHY,
    resilience_healthy: healthyOrNull('resilience'),
    cache_healthy: healthyOrNull('cache'),
  };
}

/** The body when the engine itself failed: configuration alone, nothing evaluated. */
export function legacyFallbackBody(
  epochSeconds: number,
  version: string,
  aiModelConfigured: boolean,
): LegacyHealthBody {
  return {
    status: 'degraded',
    timestamp: formatLegacyTimestamp(epochSeconds),
    version,
    ai_model_available: aiModelConfigured,
    resilience_healthy: null,
    cache_healthy: null,
  };
}

/**
 * Local wall-clock time, ISO 8601 without a zone, microsecond precision, the fraction left
 * out when it is zero: what Python's `datetime.now().isoformat()` prints.
 */
export function formatLegacyTimestamp(epochSeconds: number): string {
  const totalMicros = Math.round(epochSeconds * 1e6);
  const micros = ((totalMicros % 1e6) + 1e6) % 1e6;
  const d = new Date((totalMicros - micros) / 1000);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const date = `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return `${date}T${time}${micros === 0 ? '' : `.${pad(micros, 6)}`}`;
}
