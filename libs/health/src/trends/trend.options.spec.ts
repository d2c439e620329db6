import { ENGINE_DEFAULTS } from '../core/engine.options';
import { HealthConfigurationError } from '../shared/errors';
import { validateHealthOptions } from '../health.validate';
import type { TrendOptions } from './trend.options';
import {
  DRIVEN_SAMPLE_INTERVAL_MS,
  TREND_DEFAULTS,
  TREND_LIMITS,
  maxTrendBytes,
  resolveTrendSettings,
} from './trend.options';
import { TrendStore, trendCapacity } from './trend.store';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The trend settings of these module options: sampled at the engine's evaluation interval. */
const settingsOf = ({
  trends,
  evaluationIntervalMs = ENGINE_DEFAULTS.evaluationIntervalMs,
}: { trends?: TrendOptions; evaluationIntervalMs?: number } = {}) =>
  resolveTrendSettings(trends, evaluationIntervalMs);

describe('the trend store memory bound', () => {
  it('keeps the defaults valid: 24 h at 10 s is exactly the largest store', () => {
    const settings = settingsOf();
    expect(settings).toEqual({ intervalMs: 10_000, retentionMs: DAY_MS });
    expect(trendCapacity(settings)).toBe(TREND_LIMITS.intervalsKept + 1);
  });

  it('sizes the largest store at 3.71 MB for 50 components, within the 10 MB budget', () => {
    expect(maxTrendBytes()).toBe(50 * 8641 * 9);
    expect(maxTrendBytes() / 2 ** 20).toBeCloseTo(3.71, 2);
    expect(maxTrendBytes(1)).toBe(8641 * 9);
    expect(maxTrendBytes()).toBeLessThan(TREND_LIMITS.budgetMb * 2 ** 20);
  });

  it.each([
    [1, 8640],
    [500, 4_320_000],
    [1000, 8_640_000],
    [9999, 86_391_360],
  ])('shortens the default retention at a %i ms interval to %i ms', (intervalMs, retentionMs) => {
    const settings = settingsOf({ evaluationIntervalMs: intervalMs });
    expect(settings).toEqual({ intervalMs, retentionMs });
    expect(trendCapacity(settings)).toBe(TREND_LIMITS.intervalsKept + 1);
  });

  it('keeps the default 24 h at intervals of 10 s and more', () => {
    for (const intervalMs of [10_000, 60_000, 3_600_000]) {
      expect(settingsOf({ evaluationIntervalMs: intervalMs }).retentionMs).toBe(DAY_MS);
    }
  });

  it('sizes the rings for one evaluation every 10 s when the app drives them (interval 0)', () => {
    expect(settingsOf({ evaluationIntervalMs: 0 })).toEqual({
      intervalMs: DRIVEN_SAMPLE_INTERVAL_MS,
      retentionMs: TREND_DEFAULTS.retentionMs,
    });
    expect(resolveTrendSettings(undefined, 0)).toEqual({
      intervalMs: 10_000,
      retentionMs: TREND_DEFAULTS.retentionMs,
    });
  });

  it('accepts a retention of exactly the largest number of intervals', () => {
    const settings = settingsOf({
      evaluationIntervalMs: 1000,
      trends: { retentionMs: 8_640_000 },
    });
    expect(trendCapacity(settings)).toBe(8641);
    expect(
      settingsOf({ evaluationIntervalMs: 60_000, trends: { retentionMs: 6 * DAY_MS } }).retentionMs,
    ).toBe(6 * DAY_MS);
  });

  it('refuses a retention one millisecond past the bound, naming the setting and the budget', () => {
    const attempt = () =>
      settingsOf({ evaluationIntervalMs: 1000, trends: { retentionMs: 8_640_001 } });
    expect(attempt).toThrow(HealthConfigurationError);
    expect(attempt).toThrow(
      'Invalid setting trends.retentionMs: 8640001 (expected at most 8640 x evaluationIntervalMs, ' +
        '8640000 ms: 8641 samples per component, 3.71 MB of trends for 50 components, within the ' +
        '10 MB memory budget of the health infrastructure; lower trends.retentionMs or raise ' +
        'evaluationIntervalMs)',
    );
  });

  it.each([
    ['24 h at a 1 s interval', { evaluationIntervalMs: 1000, trends: { retentionMs: DAY_MS } }],
    ['48 h at the default interval', { trends: { retentionMs: 2 * DAY_MS } }],
    [
      'the longest timer at 1 ms',
      { evaluationIntervalMs: 1, trends: { retentionMs: 2 ** 31 - 1 } },
    ],
  ])('refuses %s, before the app starts too', (_label, options) => {
    expect(() => settingsOf(options)).toThrow(/trends\.retentionMs: \d+ \(expected at most/);
    expect(() => validateHealthOptions(options)).toThrow(/10 MB memory budget/);
  });

  it('never builds a store larger than its share of the budget, whatever the accepted settings', () => {
    for (const intervalMs of [1, 7, 250, 1000, 10_000, 3_600_000]) {
      const settings = settingsOf({ evaluationIntervalMs: intervalMs });
      const store = new TrendStore(trendCapacity(settings));
      expect(
        store.capacity * TREND_LIMITS.bytesPerSample * TREND_LIMITS.components,
      ).toBeLessThanOrEqual(maxTrendBytes());
    }
  });

  it('still refuses a retention shorter than the interval, and trends that are not an object', () => {
    expect(() => settingsOf({ evaluationIntervalMs: 1000, trends: { retentionMs: 999 } })).toThrow(
      'trends.retentionMs: 999 (expected at least evaluationIntervalMs (1000))',
    );
    expect(() => settingsOf({ trends: 'on' as never })).toThrow(
      'trends: "on" (expected { retentionMs })',
    );
  });
});
