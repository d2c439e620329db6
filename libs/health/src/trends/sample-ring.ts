/** Samples in time order, one entry per index: what the analysis reads. */
export interface SampleSeries {
  /** Epoch milliseconds. */
  readonly times: ArrayLike<number>;
  /** Status codes: see `STATUS_CODES`. */
  readonly statuses: ArrayLike<number>;
  readonly responseTimesMs: ArrayLike<number>;
}

const INITIAL_ALLOCATION = 64;

/**
 * A bounded ring of samples on typed arrays: 13 bytes a sample (epoch ms as float64, status as
 * uint8, response time as float32). It grows by doubling up to `capacity`, then overwrites the
 * oldest sample, so its memory never grows after it wraps.
 */
export class SampleRing {
  private times: Float64Array;
  private statuses: Uint8Array;
  private responseTimes: Float32Array;
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    }
    const size = Math.min(capacity, INITIAL_ALLOCATION);
    this.times = new Float64Array(size);
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
    if (this.count === this.allocated && this.allocated < this.capacity) this.grow();
    const index = this.at(this.count);
    this.times[index] = timeMs;
    this.statuses[index] = status;
    this.responseTimes[index] = responseTimeMs;
    if (this.count < this.allocated) this.count++;
    else this.start = (this.start + 1) % this.allocated;
  }

  /** Copies of the samples newer than `afterMs`, oldest first. */
  since(afterMs: number): SampleSeries {
    let kept = 0;
    for (let i = 0; i < this.count; i++) if (this.times[this.at(i)] > afterMs) kept++;
    const series = {
      times: new Float64Array(kept),
      statuses: new Uint8Array(kept),
      responseTimesMs: new Float64Array(kept),
    };
    for (let i = 0, j = 0; i < this.count; i++) {
      const index = this.at(i);
      if (this.times[index] <= afterMs) continue;
      series.times[j] = this.times[index];
      series.statuses[j] = this.statuses[index];
      series.responseTimesMs[j++] = this.responseTimes[index];
    }
    return series;
  }

  /** Where the `i`-th oldest sample is. */
  private at(i: number): number {
    return (this.start + i) % this.allocated;
  }

  /** Growth happens before the first wrap only, so the samples start at index 0. */
  private grow(): void {
    const size = Math.min(this.capacity, this.allocated * 2);
    this.times = copyInto(new Float64Array(size), this.times);
    this.statuses = copyInto(new Uint8Array(size), this.statuses);
    this.responseTimes = copyInto(new Float32Array(size), this.responseTimes);
  }
}

function copyInto<T extends Float64Array | Uint8Array | Float32Array>(target: T, source: T): T {
  target.set(source);
  return target;
}
