import { percentile } from './figures';
import type { SampleSeries } from './sample-ring';
import { analyzeSeries, summarize } from './trend.analysis';

const MIN = 60_000;
/** An epoch to put windows at: 2026-11-18T11:06:40Z. */
const BASE = 1_795_000_000_000;
const HOUR = { startMs: BASE, endMs: BASE + 60 * MIN };
const CODE = { H: 0, D: 1, U: 2 } as const;

/** Samples as [minutes after BASE, status letter, response time in ms]. */
function series(samples: [number, keyof typeof CODE, number][]): SampleSeries {
  return {
    times: samples.map(([minutes]) => BASE + minutes * MIN),
    statuses: samples.map(([, status]) => CODE[status]),
    responseTimesMs: samples.map(([, , ms]) => ms),
  };
}

/** `count` samples from `fromMinute` on, `step` minutes apart, all with this status and time. */
function run(fromMinute: number, count: number, status: keyof typeof CODE, ms = 10, step = 1) {
  return Array.from(
    { length: count },
    (_, i) => [fromMinute + i * step, status, ms] as [number, 'H', number],
  );
}

describe('analyzeSeries', () => {
  it('computes a hand-checked hour', () => {
    const hour = series([
      [-5, 'U', 1000], // before the window
      [0, 'U', 999], // on its start: out (the window is start < t <= end)
      [5, 'H', 10],
      [10, 'H', 20],
      [15, 'D', 30], // change 1
      [20, 'H', 40], // change 2
      [25, 'H', 50],
      [35, 'H', 60],
      [40, 'U', 70], // change 3
      [45, 'U', 80],
      [50, 'H', 90], // change 4, the last
      [55, 'H', 100],
    ]);
    // 10 samples: 7 healthy, 1 degraded, 2 unhealthy. Sorted times 10..100: the mean is 55,
    // p50 is the 5th (ceil(0.5 * 10)), p95 and p99 the 10th. Older half (t <= 30 min): 4 of 5
    // healthy = 80 %; newer half: 3 of 5 = 60 %; -20 points is degrading.
    expect(analyzeSeries(hour, HOUR)).toEqual({
      samples: 10,
      availability_pct: 70,
      degraded_pct: 10,
      unhealthy_pct: 20,
      response_time_ms: { avg: 55, p50: 50, p95: 100, p99: 100, max: 100 },
      status_changes: 4,
      last_change_at: (BASE + 50 * MIN) / 1000,
      trend: 'degrading',
    });
  });

  it('gives nulls, no change and stable for a window without samples', () => {
    expect(analyzeSeries(series([[-1, 'H', 5]]), HOUR)).toEqual({
      samples: 0,
      availability_pct: null,
      degraded_pct: null,
      unhealthy_pct: null,
      response_time_ms: null,
      status_changes: 0,
      last_change_at: null,
      trend: 'stable',
    });
  });

  it('rounds shares to 2 decimals and times to 3', () => {
    const result = analyzeSeries(
      series([
        [1, 'H', 0.1],
        [2, 'D', 0.2],
        [3, 'D', 0.4],
      ]),
      HOUR,
    );
    // 1/3 and 2/3; the mean of 0.1, 0.2, 0.4 is 0.2333...
    expect(result).toMatchObject({
      availability_pct: 33.33,
      degraded_pct: 66.67,
      unhealthy_pct: 0,
    });
    expect(result.response_time_ms).toEqual({ avg: 0.233, p50: 0.2, p95: 0.4, p99: 0.4, max: 0.4 });
    expect(result.last_change_at).toBe((BASE + 2 * MIN) / 1000);
  });

  it('dates no change when the status holds', () => {
    const result = analyzeSeries(series(run(1, 5, 'D')), HOUR);
    expect(result).toMatchObject({ status_changes: 0, last_change_at: null, degraded_pct: 100 });
  });

  describe('trend', () => {
    const trend = (samples: [number, keyof typeof CODE, number][]) =>
      analyzeSeries(series(samples), HOUR).trend;

    it('is stable while a half has fewer than 4 samples', () => {
      expect(trend([...run(1, 3, 'U'), ...run(31, 20, 'H')])).toBe('stable');
      expect(trend([...run(1, 20, 'U'), ...run(31, 3, 'H')])).toBe('stable');
    });

    it('follows availability moving by 5 points or more', () => {
      // 20 healthy, then 19 of 20: 100 % to 95 %, exactly the step.
      expect(trend([...run(1, 20, 'H'), ...run(31, 19, 'H'), [59, 'D', 10]])).toBe('degrading');
      // 21 healthy, then 20 of 21: -4.76 points, under the step.
      expect(trend([...run(0.5, 21, 'H'), ...run(31, 20, 'H'), [59.5, 'D', 10]])).toBe('stable');
      // 17 of 28 healthy, then 23 of 35: exactly +5 points, 4.999999999999993 in floating point.
      const older = [...run(1, 17, 'H'), ...run(18, 11, 'U')];
      const newer = [...run(31, 23, 'H', 10, 0.5), ...run(42.5, 12, 'U', 10, 0.5)];
      expect(trend([...older, ...newer])).toBe('improving');
      // 2 of 4 healthy, then 4 of 4.
      expect(trend([...run(1, 2, 'U'), ...run(3, 2, 'H'), ...run(31, 4, 'H')])).toBe('improving');
    });

    it('lets availability dominate latency', () => {
      // Latency falls from 100 to 10 ms, but availability from 100 % to 75 %.
      expect(trend([...run(1, 4, 'H', 100), ...run(31, 3, 'H'), [40, 'U', 10]])).toBe('degrading');
    });

    it('follows p95 moving by 20 % and at least 1 ms when availability holds', () => {
      // p95 of 4 samples is the 4th: 10 -> 12.5 ms is +25 % and +2.5 ms.
      expect(trend([...run(1, 4, 'H', 10), ...run(31, 3, 'H', 10), [40, 'H', 12.5]])).toBe(
        'degrading',
      );
      // 10 -> 11.5 ms: +15 %, under the step.
      expect(trend([...run(1, 4, 'H', 10), ...run(31, 3, 'H', 10), [40, 'H', 11.5]])).toBe(
        'stable',
      );
      // 20 -> 10 ms: -50 %.
      expect(trend([...run(1, 4, 'H', 20), ...run(31, 4, 'H', 10)])).toBe('improving');
      // 0.1 -> 0.9 ms: +800 %, but under 1 ms.
      expect(trend([...run(1, 4, 'H', 0.1), ...run(31, 4, 'H', 0.9)])).toBe('stable');
    });
  });
});

describe('percentile (nearest rank)', () => {
  const values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20];

  it('picks the value at rank ceil(p / 100 * n)', () => {
    expect(percentile(values, 50)).toBe(10);
    expect(percentile(values, 95)).toBe(19);
    expect(percentile(values, 99)).toBe(20);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile([7], 99)).toBe(7);
  });
});

describe('summarize', () => {
  it('is null without values, and sorts what it is given', () => {
    expect(summarize([])).toBeNull();
    expect(summarize([3, 1, 2])).toEqual({ avg: 2, p50: 2, p95: 3, p99: 3, max: 3 });
  });
});
