import * as testing from '.';
import { dateClock, ManualClock } from './clocks';

describe('the test clocks', () => {
  afterEach(() => jest.useRealTimers());

  it('ManualClock moves only when told, from its starting points', () => {
    const clock = new ManualClock();
    expect([clock.monotonicMs(), clock.epochMs()]).toEqual([0, 1_700_000_000_000]);
    clock.advance(1_500);
    expect([clock.monotonicMs(), clock.epochMs()]).toEqual([1_500, 1_700_000_001_500]);
    const other = new ManualClock(10, 5_000);
    other.advance(5);
    expect([other.monotonicMs(), other.epochMs()]).toEqual([15, 5_015]);
  });

  it("dateClock reads Date.now(), so Jest's fake timers move it", () => {
    jest.useFakeTimers({ now: 42_000 });
    expect([dateClock.monotonicMs(), dateClock.epochMs()]).toEqual([42_000, 42_000]);
    jest.advanceTimersByTime(250);
    expect([dateClock.monotonicMs(), dateClock.epochMs()]).toEqual([42_250, 42_250]);
  });

  it('are exported by the testing entry, with the engine helpers and the Prometheus text reader', () => {
    expect(Object.keys(testing).sort()).toEqual([
      'ManualClock',
      'createTestHealthService',
      'dateClock',
      'firstEvaluation',
      'forceStatus',
      'metricSamples',
      'metricStateSets',
      'metricValue',
      'parseMetrics',
    ]);
  });
});
