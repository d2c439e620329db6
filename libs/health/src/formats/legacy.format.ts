import type { SystemHealthStatus } from '../core/health-status';
import { HealthStatus } from '../core/health-status';

/**
 * The body of `GET <base>` (the legacy endpoint): `status`, `timestamp` and `version`, then one
 * key per field the app configured, in order.
 */
export type LegacyHealthBody = {
  status: 'healthy' | 'degraded';
  timestamp: string;
  version: string;
} & { [field: string]: string | boolean | null };

/** One boolean key of the legacy body and the component it reads. */
export interface LegacyBodyField {
  key: string;
  component: string;
  /** The value while the component is not registered. */
  whenMissing: null | false;
}

/**
 * Maps a report to the legacy body: only HEALTHY is "healthy", every other status "degraded";
 * then one key per field, true while its component is HEALTHY (a shadow check never counts).
 */
export function toLegacyBody(
  report: SystemHealthStatus,
  version: string,
  fields: readonly LegacyBodyField[],
  timestamp: string,
): LegacyHealthBody {
  const body: Record<string, string | boolean | null> = {
    status: report.overall_status === HealthStatus.HEALTHY ? 'healthy' : 'degraded',
    timestamp,
    version,
  };
  for (const { key, component, whenMissing } of fields) {
    const status = report.components.find((c) => c.name === component && !c.shadow)?.status;
    body[key] = status === undefined ? whenMissing : status === HealthStatus.HEALTHY;
  }
  return body as LegacyHealthBody;
}

/** The body when the engine itself failed: configuration alone, nothing evaluated. */
export function legacyFallbackBody(
  version: string,
  timestamp: string,
  fallback: Readonly<Record<string, boolean | null>>,
): LegacyHealthBody {
  return { status: 'degraded', timestamp, version, ...fallback } as LegacyHealthBody;
}
