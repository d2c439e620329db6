import type { SystemHealthStatus } from '../core/health-status';
import type { TrendSettings } from './trend.options';
import type { SampleSeries } from './sample-ring';
import { SampleRing } from './sample-ring';
import { STATUS_CODES } from './status-codes';

/** The DI token of HealthModule's `TrendStore` (a plain class, built from the trend settings). */
export const TREND_STORE = Symbol('TREND_STORE');

/** A bound per component whatever the settings: 1e6 samples are 13 MB. */
export const MAX_SAMPLES_PER_COMPONENT = 1_000_000;

/**
 * Samples per component to keep `retentionMs` of history at one sample per `intervalMs`, plus
 * one for the sample on the retention boundary; 0 when collection is disabled.
 */
export function trendCapacity({ intervalMs, retentionMs }: TrendSettings): number {
  if (intervalMs <= 0) return 0;
  return Math.min(MAX_SAMPLES_PER_COMPONENT, Math.ceil(retentionMs / intervalMs) + 1);
}

/** One bounded ring of samples per component; a component missing from a report is released. */
export class TrendStore {
  private readonly rings = new Map<string, SampleRing>();

  constructor(readonly capacity: number) {}

  /** Records one sample per component of a full report and releases the others. */
  record(report: SystemHealthStatus): void {
    if (this.capacity === 0) return;
    const timeMs = report.timestamp * 1000;
    const present = new Set<string>();
    for (const { name, status, response_time_ms } of report.components) {
      present.add(name);
      this.ring(name).push(timeMs, STATUS_CODES[status], response_time_ms);
    }
    for (const name of this.rings.keys()) if (!present.has(name)) this.rings.delete(name);
  }

  /** Components with samples, in the order they were first recorded. */
  names(): string[] {
    return [...this.rings.keys()];
  }

  /** The component's samples newer than `afterMs`, or undefined for one without samples. */
  since(name: string, afterMs: number): SampleSeries | undefined {
    return this.rings.get(name)?.since(afterMs);
  }

  release(name: string): void {
    this.rings.delete(name);
  }

  /** Bytes held by every ring's typed arrays. */
  get byteLength(): number {
    let total = 0;
    for (const ring of this.rings.values()) total += ring.byteLength;
    return total;
  }

  private ring(name: string): SampleRing {
    let ring = this.rings.get(name);
    if (!ring) {
      ring = new SampleRing(this.capacity);
      this.rings.set(name, ring);
    }
    return ring;
  }
}
