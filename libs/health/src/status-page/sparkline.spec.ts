import type { SampleSeries } from '../trends/sample-ring';
import { formatMs, SPARKLINE, sparkline } from './sparkline';

const WINDOW = { startMs: 0, endMs: 60_000, label: 'minute' };

function series(samples: [time: number, status: number, ms: number][]): SampleSeries {
  return {
    times: samples.map((s) => s[0]),
    statuses: samples.map((s) => s[1]),
    responseTimesMs: samples.map((s) => s[2]),
  };
}

describe('sparkline', () => {
  it('is empty without a sample in the window', () => {
    expect(sparkline(series([]), WINDOW)).toBe('');
    // On the window's start (excluded) and after its end.
    expect(
      sparkline(
        series([
          [0, 0, 1],
          [60_001, 0, 1],
        ]),
        WINDOW,
      ),
    ).toBe('');
  });

  it('draws the slowest response per bucket, scaled to the highest, with a text alternative', () => {
    // 60 buckets of 1 s: samples in buckets 0, 1 (two: the slower counts) and 2.
    const svg = sparkline(
      series([
        [500, 0, 2],
        [1500, 0, 1],
        [1600, 0, 4],
        [2500, 0, 0.5],
      ]),
      WINDOW,
    );
    const { height, pad } = SPARKLINE;
    expect(svg).toContain(`viewBox="0 0 120 ${height}"`);
    expect(svg).toContain('role="img"');
    const text =
      'Response time over the last minute: 4 samples, lowest 0.50 ms, highest 4.00 ms, latest 0.50 ms';
    expect(svg).toContain(`aria-label="${text}"`);
    expect(svg).toContain(`<title>${text}</title>`);
    const top = pad;
    const bottom = height - pad;
    const y = (ms: number) => Math.round((bottom - (ms / 4) * (bottom - top)) * 100) / 100;
    expect(svg).toContain(
      `<polyline class="spark-line" points="1,${y(2)} 3,${y(4)} 5,${y(0.5)}"/>`,
    );
    expect(svg).not.toContain('<rect');
  });

  it('breaks the line where a bucket has no sample; a lone bucket is a dot', () => {
    const svg = sparkline(
      series([
        [500, 0, 1],
        [1500, 0, 1],
        [10_500, 0, 1],
        [58_500, 0, 1],
        [59_999, 0, 1],
        [60_000, 0, 1],
      ]),
      WINDOW,
    );
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg.match(/<circle class="spark-dot" cx="21"/g)).toHaveLength(1);
    expect(svg).toContain('6 samples');
    expect(svg).toContain('points="117,3 119,3"');
  });

  it('marks buckets with a degraded or unhealthy sample (the worst), and survives all zeros', () => {
    const svg = sparkline(
      series([
        [500, 1, 0],
        [1500, 1, 0],
        [1600, 2, 0],
        [2500, 0, 0],
      ]),
      WINDOW,
    );
    expect(svg).toContain('<rect class="spark-degraded" x="0" y="26" width="2" height="2"/>');
    expect(svg).toContain('<rect class="spark-unhealthy" x="2" y="26" width="2" height="2"/>');
    expect(svg.match(/<rect/g)).toHaveLength(2);
    expect(svg).not.toContain('NaN');
    expect(svg).toContain(`points="1,25 3,25 5,25"`);
  });

  it('says one sample in the singular', () => {
    expect(sparkline(series([[30_000, 0, 12.345]]), WINDOW)).toContain(
      '1 sample, lowest 12.3 ms, highest 12.3 ms, latest 12.3 ms',
    );
  });
});

describe('formatMs', () => {
  it('keeps about three figures', () => {
    expect(formatMs(0.4213)).toBe('0.42 ms');
    expect(formatMs(4.2)).toBe('4.20 ms');
    expect(formatMs(42.47)).toBe('42.5 ms');
    expect(formatMs(425.4)).toBe('425 ms');
  });
});
