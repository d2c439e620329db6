import type { SampleSeries } from '../core/ports';
/** Samples in time order, one entry per index: what the analysis reads. */
export type { SampleSeries };

const INITIAL_ALLOCATION = 64;

/** The longest span a ring can hold: times are kept as whole ms after its base, in 32 bits. */
export const MAX_SPAN_MS = 0xffff_ffff;

/**
 * A bounded ring of samples on typed arrays: 9 bytes a sample (time as whole milliseconds after
 * the ring's base in a uint32, status as uint8, response time as float32). It grows by doubling
 * up to `capacity`, then overwrites the oldest sample, so its memory never grows after it wraps.
 * Times are rounded to the millisecond; a span longer than 49.7 days (`MAX_SPAN_MS`), or a clock
 * set back past the oldest sample, drops the samples that no longer fit.
 */
export class SampleRing {
  private times: Uint32Array;
  private statuses: Uint8Array;
  private responseTimes: Float32Array;
  /** Epoch ms that time offsets count from. */
  private base = 0;
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    }
    const size = Math.min(capacity, INITIAL_ALLOCATION);
    this.times = new Uint32Array(size);
    this.statuses = new Uint8Array(size);
    this.responseTimes = new Float32Array(size);
  }

  /** Samples held. */
  get length(): number {
    return this.count;
  }

  /** Samples there is room for now (at most `capacity`). */
  get allocated(): number {
    return this.times.length;
  }

  /** Bytes held by the typed arrays. */
  get byteLength(): number {
    return this.times.byteLength + this.statuses.byteLength + this.responseTimes.byteLength;
  }

  push(timeMs: number, status: number, responseTimeMs: number): void {
    const time = Math.round(timeMs);
    if (this.count === 0) this.base = time;
    else if (time < this.base || time - this.base > MAX_SPAN_MS) this.rebase(time);
    if (this.count === this.allocated && this.allocated < this.capacity) this.grow();
    const index = this.at(this.count);
    this.times[index] = time - this.base;
    this.statuses[index] = status;
    this.responseTimes[index] = responseTimeMs;
    if (this.count < this.allocated) this.count++;
    else this.start = (this.start + 1) % this.allocated;
  }

  /** Copies of the samples newer than `afterMs`, oldest first. */
  since(afterMs: number): SampleSeries {
    const after = afterMs - this.base;
    let kept = 0;
    for (let i = 0; i < this.count; i++) if (this.times[this.at(i)] > after) kept++;
    const series = {
      times: new Float64Array(kept),
      statuses: new Uint8Array(kept),
      responseTimesMs: new Float64Array(kept),
    };
    for (let i = 0, j = 0; i < this.count; i++) {
      const index = this.at(i);
      if (this.times[index] <= after) continue;
      series.times[j] = this.base + this.times[index];
      series.statuses[j] = this.statuses[index];
      series.responseTimesMs[j++] = this.responseTimes[index];
    }
    return series;
  }

  /** Where the `i`-th oldest sample is. */
  private at(i: number): number {
    return (this.start + i) % this.allocated;
  }

  /**
   * Counts times from a new base so that `time` fits: the oldest sample that still fits beside
   * it, or `time` itself when the clock went back. Samples that cannot fit are dropped.
   */
  private rebase(time: number): void {
    const held = this.since(-Infinity);
    let oldest = Infinity;
    for (let i = 0; i < held.times.length; i++) {
      const t = held.times[i];
      if (t >= time - MAX_SPAN_MS && t < oldest) oldest = t;
    }
    const base = Math.min(time, oldest);
    this.start = 0;
    this.count = 0;
    this.base = base;
    for (let i = 0; i < held.times.length; i++) {
      const offset = held.times[i] - base;
      if (offset < 0 || offset > MAX_SPAN_MS) continue;
      const index = this.count++;
      this.times[index] = offset;
      this.statuses[index] = held.statuses[i];
      this.responseTimes[index] = held.responseTimesMs[i];
    }
  }

  /** Growth happens before the first wrap only, so the samples start at index 0. */
  private grow(): void {
    const size = Math.min(this.capacity, this.allocated * 2);
    this.times = copyInto(new Uint32Array(size), this.times);
    this.statuses = copyInto(new Uint8Array(size), this.statuses);
    this.responseTimes = copyInto(new Float32Array(size), this.responseTimes);
  }
}

function copyInto<T extends Uint32Array | Uint8Array | Float32Array>(target: T, source: T): T {
  target.set(source);
  return target;
}
