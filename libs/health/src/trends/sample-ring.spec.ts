import { MAX_SPAN_MS, SampleRing } from './sample-ring';

const all = (ring: SampleRing) => {
  const { times, statuses, responseTimesMs } = ring.since(-Infinity);
  return {
    times: Array.from(times),
    statuses: Array.from(statuses),
    responseTimesMs: Array.from(responseTimesMs),
  };
};

describe('SampleRing', () => {
  it('keeps samples in order until it is full', () => {
    const ring = new SampleRing(3);
    ring.push(1000, 0, 1.5);
    ring.push(2000, 2, 2.25);
    expect(ring.length).toBe(2);
    expect(all(ring)).toEqual({
      times: [1000, 2000],
      statuses: [0, 2],
      responseTimesMs: [1.5, 2.25],
    });
  });

  it('overwrites the oldest sample once it wraps, the newest last', () => {
    const ring = new SampleRing(3);
    for (let i = 1; i <= 7; i++) ring.push(i * 1000, i % 3, i);
    expect(ring.length).toBe(3);
    expect(all(ring)).toEqual({
      times: [5000, 6000, 7000],
      statuses: [2, 0, 1],
      responseTimesMs: [5, 6, 7],
    });
  });

  it('grows by doubling up to its capacity, then never again', () => {
    const ring = new SampleRing(100);
    expect(ring.allocated).toBe(64);
    for (let i = 0; i < 64; i++) ring.push(i, 0, 0);
    expect(ring.allocated).toBe(64);
    ring.push(64, 0, 0);
    expect(ring.allocated).toBe(100);
    expect(ring.byteLength).toBe(100 * 9);
    for (let i = 65; i < 1000; i++) ring.push(i, 1, i);
    expect(ring.allocated).toBe(100);
    expect(ring.byteLength).toBe(900);
    const { times } = ring.since(-Infinity);
    expect([times[0], times[99]]).toEqual([900, 999]);
  });

  it('allocates no more than its capacity when that is small', () => {
    expect(new SampleRing(5).allocated).toBe(5);
  });

  it('returns the samples newer than a time', () => {
    const ring = new SampleRing(4);
    for (let i = 1; i <= 6; i++) ring.push(i * 1000, 0, i);
    expect(Array.from(ring.since(4000).times)).toEqual([5000, 6000]);
    expect(Array.from(ring.since(6000).times)).toEqual([]);
  });

  it('keeps response times as float32 and statuses as bytes', () => {
    const ring = new SampleRing(2);
    ring.push(1, 1, 0.1);
    expect(ring.since(0).responseTimesMs[0]).toBeCloseTo(0.1, 6);
  });

  it('keeps epoch times to the millisecond, 9 bytes a sample', () => {
    const ring = new SampleRing(3);
    const t0 = 1_764_000_000_123.4;
    ring.push(t0, 0, 1);
    ring.push(t0 + 10_000.6, 1, 2);
    expect(all(ring).times).toEqual([1_764_000_000_123, 1_764_000_010_124]);
    expect(Array.from(ring.since(1_764_000_000_123).times)).toEqual([1_764_000_010_124]);
  });

  it('drops what no longer fits when the span outgrows 32 bits of milliseconds', () => {
    const ring = new SampleRing(4);
    const t0 = 1_764_000_000_000;
    ring.push(t0, 0, 1);
    ring.push(t0 + 1000, 1, 2);
    ring.push(t0 + MAX_SPAN_MS + 500, 2, 3);
    // t0 is more than MAX_SPAN_MS before the new sample: gone; t0 + 1000 still fits.
    expect(all(ring)).toEqual({
      times: [t0 + 1000, t0 + MAX_SPAN_MS + 500],
      statuses: [1, 2],
      responseTimesMs: [2, 3],
    });
    ring.push(t0 + 3 * MAX_SPAN_MS, 0, 4);
    expect(all(ring).times).toEqual([t0 + 3 * MAX_SPAN_MS]);
  });

  it('keeps samples when the clock is set back, and wraps after a rebase', () => {
    const ring = new SampleRing(3);
    const t0 = 1_764_000_000_000;
    ring.push(t0, 0, 1);
    ring.push(t0 + 1000, 0, 2);
    ring.push(t0 - 5000, 1, 3);
    expect(all(ring).times).toEqual([t0, t0 + 1000, t0 - 5000]);
    ring.push(t0 + 2000, 2, 4);
    expect(all(ring)).toEqual({
      times: [t0 + 1000, t0 - 5000, t0 + 2000],
      statuses: [0, 1, 2],
      responseTimesMs: [2, 3, 4],
    });
    expect(Array.from(ring.since(t0).times)).toEqual([t0 + 1000, t0 + 2000]);
  });

  it.each([0, -1, 1.5, NaN])('refuses a capacity of %p', (capacity) => {
    expect(() => new SampleRing(capacity)).toThrow(RangeError);
  });
});
