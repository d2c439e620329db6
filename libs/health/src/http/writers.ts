import type { HealthWriter } from '../core/ports';
import { HEALTH_JSON, toHealthJson } from '../formats/health-json.format';
import { toPrometheusText } from '../formats/prometheus.format';
import { httpStatusOf, toFullReport } from '../formats/report.format';

/** `application/json`: the full report (the default). */
export const fullReportWriter: HealthWriter = {
  mediaType: 'application/json',
  write: (report, { details, checkedAtMs }) => ({
    status: httpStatusOf(report.overall_status),
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
    body: toFullReport(report, details, checkedAtMs),
  }),
};

/** `application/health+json`: the IETF draft format. */
export const healthJsonWriter: HealthWriter = {
  mediaType: HEALTH_JSON,
  write: (report, { details, version, checkedAtMs }) => ({
    status: httpStatusOf(report.overall_status),
    headers: { 'Content-Type': `${HEALTH_JSON}; charset=utf-8` },
    body: toHealthJson(report, { version, details, checkedAtMs }),
  }),
};

/** `text/plain; version=0.0.4`: the report as Prometheus text (component and overall states). */
export const prometheusWriter: HealthWriter = {
  mediaType: 'text/plain',
  write: (report) => ({
    status: httpStatusOf(report.overall_status),
    headers: { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' },
    body: toPrometheusText(report),
  }),
};

export const BUILT_IN_WRITERS: readonly HealthWriter[] = [
  fullReportWriter,
  healthJsonWriter,
  prometheusWriter,
];

interface Range {
  type: string;
  q: number;
  order: number;
}

/**
 * The writer an `Accept` header asks for: the highest-q range that a writer serves (an exact
 * type before `type/*` before `*\/*`); the first writer when nothing matches or nothing is asked.
 * Writers listed first win ties, so an app's own writers can take over a built-in type.
 */
export function negotiate(
  accept: string | undefined,
  writers: readonly HealthWriter[],
): HealthWriter {
  const ranges = parseAccept(accept ?? '');
  let best: { writer: HealthWriter; q: number; specificity: number; order: number } | undefined;
  for (const range of ranges) {
    if (range.q <= 0) continue;
    for (const writer of writers) {
      const specificity = matches(range.type, baseType(writer.mediaType));
      if (specificity < 0) continue;
      const better =
        !best ||
        range.q > best.q ||
        (range.q === best.q && specificity > best.specificity) ||
        (range.q === best.q && specificity === best.specificity && range.order < best.order);
      if (better) best = { writer, q: range.q, specificity, order: range.order };
      break;
    }
  }
  return best?.writer ?? writers[0];
}

function parseAccept(accept: string): Range[] {
  return accept
    .split(',')
    .map((part, order) => {
      const [type, ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { type: type.trim(), q: q === undefined ? 1 : Number(q), order };
    })
    .filter((range) => range.type.includes('/') && Number.isFinite(range.q));
}

function baseType(mediaType: string): string {
  return mediaType.split(';')[0].trim().toLowerCase();
}

/** 2 exact, 1 `type/*`, 0 `*\/*`, -1 no match. */
function matches(range: string, type: string): number {
  if (range === type) return 2;
  if (range === '*/*') return 0;
  const [rangeMajor, rangeMinor] = range.split('/');
  return rangeMinor === '*' && type.startsWith(`${rangeMajor}/`) ? 1 : -1;
}
