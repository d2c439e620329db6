import type { SampleSeries } from '../core/ports';

/** The window a sparkline covers: samples with `startMs < time <= endMs`. */
export interface SparklineWindow {
  startMs: number;
  endMs: number;
  /** Said to screen readers: "over the last <label>". */
  label: string;
}

export const SPARKLINE = { buckets: 60, width: 120, height: 28, pad: 3 } as const;

/** Status codes as samples keep them (`STATUS_CODES`): 0 healthy, 1 degraded, 2 unhealthy. */
const BAD_CLASSES = ['', 'spark-degraded', 'spark-unhealthy'];

/** Milliseconds for people: 0.42 ms, 4.2 ms, 42.5 ms, 425 ms. */
export function formatMs(ms: number): string {
  if (ms >= 100) return `${Math.round(ms)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

/**
 * A latency sparkline as inline SVG: the window cut into 60 buckets, the slowest response of
 * each drawn as a line (broken where a bucket has no sample), a mark under buckets with a
 * degraded or unhealthy sample. Its text alternative gives the figures. '' without samples.
 */
export function sparkline(series: SampleSeries, window: SparklineWindow): string {
  const { buckets, width, height, pad } = SPARKLINE;
  const span = (window.endMs - window.startMs) / buckets;
  const slowest = new Array<number>(buckets).fill(-1);
  const worst = new Array<number>(buckets).fill(0);
  let count = 0;
  let low = Infinity;
  let high = 0;
  let latest = 0;
  for (let i = 0; i < series.times.length; i++) {
    const time = series.times[i];
    if (time <= window.startMs || time > window.endMs) continue;
    const b = Math.min(buckets - 1, Math.floor((time - window.startMs) / span));
    const ms = series.responseTimesMs[i];
    slowest[b] = Math.max(slowest[b], ms);
    worst[b] = Math.max(worst[b], series.statuses[i]);
    count++;
    low = Math.min(low, ms);
    high = Math.max(high, ms);
    latest = ms;
  }
  if (count === 0) return '';
  const step = width / buckets;
  const x = (b: number) => round((b + 0.5) * step);
  const y = (ms: number) => round(height - pad - (high > 0 ? ms / high : 0) * (height - 2 * pad));
  const shapes: string[] = [];
  let run: string[] = [];
  const flush = () => {
    if (run.length === 1) {
      const [cx, cy] = run[0].split(',');
      shapes.push(`<circle class="spark-dot" cx="${cx}" cy="${cy}" r="1.5"/>`);
    } else if (run.length > 1) {
      shapes.push(`<polyline class="spark-line" points="${run.join(' ')}"/>`);
    }
    run = [];
  };
  for (let b = 0; b < buckets; b++) {
    if (slowest[b] < 0) flush();
    else run.push(`${x(b)},${y(slowest[b])}`);
    if (worst[b] > 0) {
      shapes.push(
        `<rect class="${BAD_CLASSES[worst[b]]}" x="${round(b * step)}" y="${height - 2}" width="${round(step)}" height="2"/>`,
      );
    }
  }
  flush();
  const text =
    `Response time over the last ${window.label}: ${count} sample${count === 1 ? '' : 's'}, ` +
    `lowest ${formatMs(low)}, highest ${formatMs(high)}, latest ${formatMs(latest)}`;
  return (
    `<svg class="spark" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" ` +
    `role="img" aria-label="${text}" focusable="false"><title>${text}</title>${shapes.join('')}</svg>`
  );
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
