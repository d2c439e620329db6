import { HealthConfigurationError } from '../shared/errors';
import { milliseconds } from '../shared/validate';

export interface TrendOptions {
  /**
   * How long samples are kept. One sample per periodic evaluation, at most
   * `TREND_LIMITS.intervalsKept` evaluation intervals. Default 24 h, or that many intervals when
   * the interval is shorter than 10 s.
   */
  retentionMs?: number;
}

/** What the trend store and `HealthTrends` read: the sampling interval is the engine's. */
export interface TrendSettings {
  intervalMs: number;
  retentionMs: number;
}

export const TREND_DEFAULTS = { retentionMs: 24 * 60 * 60 * 1000 } as const;

/** The sampling interval the rings are sized for when the app drives the evaluations itself. */
export const DRIVEN_SAMPLE_INTERVAL_MS = 10_000;

/**
 * The trend store's share of the health infrastructure's 10 MB memory budget. A ring keeps
 * `retentionMs / intervalMs + 1` samples of 9 bytes; at most `intervalsKept` intervals (24 h at
 * the default 10 s: 8,641 samples) makes 3.71 MB for `components` components. Settings that
 * would keep more are refused.
 */
export const TREND_LIMITS = {
  intervalsKept: 8640,
  bytesPerSample: 9,
  components: 50,
  budgetMb: 10,
} as const;

/** Bytes of typed arrays the store holds at most for `components` components. */
export function maxTrendBytes(components: number = TREND_LIMITS.components): number {
  return components * (TREND_LIMITS.intervalsKept + 1) * TREND_LIMITS.bytesPerSample;
}

/**
 * Trend settings from the `trends` option, sampled at the engine's evaluation interval; at 0
 * (the app drives the evaluations with `tick()`), sized for one every 10 s.
 */
export function resolveTrendSettings(
  trends: TrendOptions = {},
  evaluationIntervalMs: number,
): TrendSettings {
  if (trends === null || typeof trends !== 'object') {
    throw new HealthConfigurationError('trends', trends, '{ retentionMs }');
  }
  // Without the engine's own schedule, the app drives the evaluations (tick()): the rings are
  // sized for one every 10 s.
  const intervalMs = evaluationIntervalMs > 0 ? evaluationIntervalMs : DRIVEN_SAMPLE_INTERVAL_MS;
  const longest = intervalMs * TREND_LIMITS.intervalsKept;
  // By default 24 h, or as many intervals as the budget allows when sampling is more frequent.
  const fallback = Math.min(TREND_DEFAULTS.retentionMs, longest);
  const retentionMs = milliseconds('trends.retentionMs', trends.retentionMs ?? fallback, 1);
  // With the app driving the evaluations, any retention holds: the rings keep at least two.
  if (evaluationIntervalMs > 0 && retentionMs < intervalMs) {
    throw new HealthConfigurationError(
      'trends.retentionMs',
      retentionMs,
      `at least evaluationIntervalMs (${intervalMs})`,
    );
  }
  if (retentionMs > longest) {
    throw new HealthConfigurationError('trends.retentionMs', retentionMs, overBudget(longest));
  }
  return { intervalMs, retentionMs };
}

function overBudget(longest: number): string {
  const { intervalsKept, components, budgetMb } = TREND_LIMITS;
  const mb = (maxTrendBytes() / 2 ** 20).toFixed(2);
  return (
    `at most ${intervalsKept} x evaluationIntervalMs, ${longest} ms: ${intervalsKept + 1} ` +
    `samples per component, ${mb} MB of trends for ${components} components, within the ` +
    `${budgetMb} MB memory budget of the health infrastructure; lower trends.retentionMs or ` +
    `raise evaluationIntervalMs`
  );
}

/** DI token of the resolved `TrendSettings`. */
export const TREND_SETTINGS = Symbol('TREND_SETTINGS');
