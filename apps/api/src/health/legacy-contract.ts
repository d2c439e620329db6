import type { LegacyBodyOptions, LegacyField } from '@nest-health/core';

/**
 * The legacy `GET /v1/health` contract of the template (docs/legacy-v1-health.md): after
 * `status`, `timestamp` and `version`, these three keys in this order.
 */
export const LEGACY_TEMPLATE_FIELDS: readonly LegacyField[] = [
  { key: 'ai_model_available', component: 'ai_model', whenMissing: false },
  { key: 'resilience_healthy', component: 'resilience', whenMissing: null },
  { key: 'cache_healthy', component: 'cache', whenMissing: null },
];

/**
 * Local wall-clock time, ISO 8601 without a zone, microsecond precision, the fraction left
 * out when it is zero: what Python's `datetime.now().isoformat()` prints, as the template did.
 */
export function formatLegacyTimestamp(epochMs: number): string {
  const totalMicros = Math.round(epochMs * 1000);
  const micros = ((totalMicros % 1e6) + 1e6) % 1e6;
  const d = new Date((totalMicros - micros) / 1000);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const date = `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return `${date}T${time}${micros === 0 ? '' : `.${pad(micros, 6)}`}`;
}

/** The legacy body's options: the template's fields, timestamp, and its fallback values. */
export function legacyContract(aiKeyConfigured: boolean): LegacyBodyOptions {
  return {
    fields: LEGACY_TEMPLATE_FIELDS,
    timestamp: formatLegacyTimestamp,
    // When the engine itself fails, ai_model_available says whether a key is configured.
    fallback: { ai_model_available: aiKeyConfigured },
  };
}
