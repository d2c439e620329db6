import type { HealthClock } from '../core/clock';
import { HealthStatus } from '../core/health-status';
import type { SystemHealthStatus } from '../core/health-status';
import type { DampingOptions } from './transition.tracker';
import { TransitionTracker } from './transition.tracker';

const { HEALTHY: H, DEGRADED: D, UNHEALTHY: U } = HealthStatus;

class ManualClock implements HealthClock {
  now = 0;
  monotonicMs = () => this.now;
  epochMs = () => this.now;
}

function report(overall: HealthStatus, components: Record<string, HealthStatus> = {}) {
  const list = Object.entries(components).map(([name, status]) => ({
    name,
    status,
    message: '',
    response_time_ms: 0,
    metadata: {},
  }));
  return { overall_status: overall, components: list, timestamp: 0 } as SystemHealthStatus;
}

describe('TransitionTracker', () => {
  let clock: ManualClock;

  function tracker(options: Partial<DampingOptions> = {}) {
    clock = new ManualClock();
    return new TransitionTracker({ minConsecutive: 1, cooldownMs: 0, ...options }, clock);
  }

  /** Observes the overall statuses in turn, 1 s apart; returns "prev->cur" per announcement. */
  function feed(t: TransitionTracker, statuses: HealthStatus[]): string[] {
    return statuses.flatMap((status) => {
      clock.now += 1000;
      return t.observe(report(status)).map((x) => `${x.previous}->${x.current}`);
    });
  }

  it('takes the first status as the baseline, and announces every change after it', () => {
    const t = tracker();
    expect(t.observe(report(U, { db: U }))).toEqual([]);
    expect(t.observe(report(H, { db: D }))).toEqual([
      { component: null, previous: U, current: H },
      { component: 'db', previous: U, current: D },
    ]);
    expect(t.observe(report(H, { db: D }))).toEqual([]);
  });

  it('takes no baseline before startup has settled: the first settled report is the baseline', () => {
    const t = tracker();
    // The cache still connecting at boot: degraded, then healthy once it has connected.
    expect(t.observe(report(D, { cache: D }), false)).toEqual([]);
    expect(t.observe(report(H, { cache: H }), true)).toEqual([]);
    expect(t.observe(report(H, { cache: H }), true)).toEqual([]);
    expect(t.observe(report(D, { cache: D }), true)).toEqual([
      { component: null, previous: H, current: D },
      { component: 'cache', previous: H, current: D },
    ]);
  });

  it('announces a status only once it has held minConsecutive evaluations in a row', () => {
    const t = tracker({ minConsecutive: 3 });
    expect(feed(t, [H, U, U, H, U, U, D, U, U, U, U])).toEqual(['healthy->unhealthy']);
    expect(feed(t, [H, H, D, D, D])).toEqual(['unhealthy->degraded']);
  });

  it('restarts the count when the new status changes before it is confirmed', () => {
    const t = tracker({ minConsecutive: 2 });
    expect(feed(t, [H, U, D, U, D, D])).toEqual(['healthy->degraded']);
  });

  it('holds a transition confirmed within the cooldown until the first evaluation after it', () => {
    const t = tracker({ cooldownMs: 5000 });
    expect(feed(t, [H, U])).toEqual(['healthy->unhealthy']); // at 2 s
    expect(feed(t, [H, H, H, H])).toEqual([]); // 3..6 s: within the cooldown
    expect(feed(t, [H])).toEqual(['unhealthy->healthy']); // 7 s: the cooldown is over
  });

  it('measures the cooldown from the last announcement, on the injected clock', () => {
    const t = tracker({ cooldownMs: 5000 });
    t.observe(report(H));
    clock.now = 10_000;
    expect(t.observe(report(U))).toHaveLength(1);
    clock.now = 14_999;
    expect(t.observe(report(H))).toEqual([]);
    clock.now = 15_000;
    expect(t.observe(report(H))).toEqual([{ component: null, previous: U, current: H }]);
  });

  it('announces nothing after the cooldown when the status came back to the announced one', () => {
    const t = tracker({ cooldownMs: 10_000 });
    expect(feed(t, [H, U, H, D, U])).toEqual(['healthy->unhealthy']);
    clock.now += 20_000;
    expect(feed(t, [U, U])).toEqual([]);
  });

  it('reports the last announced status as previous when a held transition goes out', () => {
    const t = tracker({ cooldownMs: 10_000 });
    expect(feed(t, [H, U, D, H, D])).toEqual(['healthy->unhealthy']);
    clock.now += 20_000;
    expect(feed(t, [D])).toEqual(['unhealthy->degraded']);
  });

  it('keeps the system and each component apart', () => {
    const t = tracker({ minConsecutive: 2, cooldownMs: 10_000 });
    t.observe(report(H, { a: H, b: H }));
    t.observe(report(H, { a: U, b: H }));
    expect(t.observe(report(H, { a: U, b: U }))).toEqual([
      { component: 'a', previous: H, current: U },
    ]);
    expect(t.observe(report(H, { a: U, b: U }))).toEqual([
      { component: 'b', previous: H, current: U },
    ]);
  });

  it('forgets a component that left the report: it comes back with a new baseline', () => {
    const t = tracker();
    t.observe(report(H, { a: H }));
    expect(t.observe(report(H))).toEqual([]);
    expect(t.observe(report(H, { a: U }))).toEqual([]);
    expect(t.observe(report(H, { a: H }))).toEqual([{ component: 'a', previous: U, current: H }]);
  });

  it('tells a component named "overall" from the system', () => {
    const t = tracker();
    t.observe(report(H, { overall: H }));
    expect(t.observe(report(U, { overall: H }))).toEqual([
      { component: null, previous: H, current: U },
    ]);
  });
});
