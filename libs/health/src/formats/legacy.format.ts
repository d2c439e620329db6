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

/** One boolean key of the legacy body and the component it reads. */
export interface LegacyBodyField {
  key: string;
  component: string;
  /** The value while the component is not registered. */
  whenMissing: null | false;
}

/** The template's mapping: the legacy contract's three component keys. */
export const LEGACY_TEMPLATE_FIELDS: readonly LegacyBodyField[] = [
  { key: 'ai_model_available', component: 'ai_model', whenMissing: false },
  { key: 'resilience_healthy', component: 'resilience', whenMissing: null },
  { key: 'cache_healthy', component: 'cache', whenMissing: null },
];

/**
 * Maps a report to the legacy body: only HEALTHY is "healthy", every other status "degraded";
 * then one key per field, true while its component is HEALTHY. With the default fields this is
 * the contract's `LegacyHealthBody`.
 */
export function toLegacyBody(
  report: SystemHealthStatus,
  version: string,
  fields: readonly LegacyBodyField[] = LEGACY_TEMPLATE_FIELDS,
): LegacyHealthBody {
  const body: Record<string, unknown> = {
    status: report.overall_status === HealthStatus.HEALTHY ? 'healthy' : 'degraded',
    timestamp: formatLegacyTimestamp(report.timestamp),
    version,
  };
  for (const { key, component, whenMissing } of fields) {
    // A shadow check never counts toward the legacy body.
    const status = report.components.find((c) => c.name === component && !c.shadow)?.status;
    body[key] = status === undefined ? whenMissing : status === HealthStatus.HEALTHY;
  }
  return body as unknown as LegacyHealthBody;
}

/** The body when the engine itself failed: configuration alone, nothing evaluated. */
export function legacyFallbackBody(
  epochSeconds: number,
  version: string,
  fallback: Readonly<Record<string, boolean | null>> = {
    ai_model_available: false,
    resilience_healthy: null,
    cache_healthy: null,
  },
): LegacyHealthBody {
  return {
    status: 'degraded',
    timestamp: formatLegacyTimestamp(epochSeconds),
    version,
    ...fallback,
  } as unknown as LegacyHealthBody;
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
