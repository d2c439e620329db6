import { preciseEpochMs, systemClock } from './clock';

describe('systemClock', () => {
  afterEach(() => jest.restoreAllMocks());

  it('reads wall-clock time with sub-millisecond precision when the clocks agree', () => {
    const readings = Array.from({ length: 50 }, () => preciseEpochMs());
    expect(Math.abs(readings[0] - Date.now())).toBeLessThan(5);
    expect(readings.some((ms) => !Number.isInteger(ms))).toBe(true);
    expect(systemClock.epochMs).toBe(preciseEpochMs);
  });

  it('falls back to Date.now() once the system clock was stepped', () => {
    jest.spyOn(Date, 'now').mockReturnValue(1_000_000);
    expect(preciseEpochMs()).toBe(1_000_000);
  });

  it('is monotonic', () => {
    const a = systemClock.monotonicMs();
    const b = systemClock.monotonicMs();
    expect(b).toBeGreaterThanOrEqual(a);
  });
});
