import { dateClock } from '../../../../test/support/fake-clock';
import { toFullReport } from '../formats/report.format';
import { toHealthJson } from '../formats/health-json.format';
import type { HealthCheckDefinition } from './health-check';
import type { ComponentStatus } from './health-status';
import { HealthStatus } from './health-status';
import { HealthService } from './health.service';
import { STALE_INTERVALS } from './last-known';

/** A check whose next run hangs until the test releases it (as a SIGSTOPped dependency does). */
function switchable(name: string) {
  const state = { hang: false, status: HealthStatus.HEALTHY, release: () => undefined as void };
  const definition: HealthCheckDefinition = {
    name,
    timeoutMs: 60_000,
    retries: 0,
    check: () =>
      state.hang
        ? new Promise((resolve) => {
            state.release = () => resolve({ status: state.status });
          })
        : { status: state.status },
  };
  return { state, definition };
}

const fast = (name: string, status = HealthStatus.HEALTHY): HealthCheckDefinition => ({
  name,
  check: () => ({ status }),
});

describe('answers within a budget (checkWithin)', () => {
  let service: HealthService;
  beforeEach(() => jest.useFakeTimers({ now: 1_700_000_000_000 }));
  afterEach(() => {
    service?.onModuleDestroy();
    jest.useRealTimers();
  });

  const make = (checks: HealthCheckDefinition[], evaluationIntervalMs = 10_000) =>
    (service = new HealthService({
      clock: dateClock,
      evaluationIntervalMs,
      responseBudgetMs: 50,
      checks,
    }));

  /** `checkWithin` with the fake clock moved past the budget. */
  async function answer(selection = {}) {
    const pending = service.checkWithin(selection);
    await jest.advanceTimersByTimeAsync(50);
    return pending;
  }

  it('answers the evaluation itself when it finishes within the budget', async () => {
    make([fast('db'), fast('cache')]);
    const report = await service.checkWithin();
    expect(report.lastKnown).toBeUndefined();
    expect(report.components.map((c) => c.status)).toEqual(['healthy', 'healthy']);
  });

  it('past the budget, answers the last known result of a check still running, and the evaluation goes on', async () => {
    const cache = switchable('cache');
    make([fast('db'), cache.definition]);
    await service.check();
    const before = service.getLastStatus('cache')!;
    cache.state.hang = true;
    cache.state.status = HealthStatus.UNHEALTHY;
    await jest.advanceTimersByTimeAsync(5000);

    const report = await answer();
    expect(report.lastKnown).toBe(true);
    // The very same status object: its run's facts (when, how) stay known.
    expect(report.components.find((c) => c.name === 'cache')).toBe(before);
    expect(report.overall_status).toBe(HealthStatus.HEALTHY);
    expect(report.timestamp).toBe(Date.now() / 1000);

    // The hung run ends (its timeout or the dependency): the state turns, and answers with it.
    cache.state.release();
    await jest.advanceTimersByTimeAsync(0);
    expect(service.getLastStatus('cache')?.status).toBe(HealthStatus.UNHEALTHY);
    cache.state.hang = false;
    const next = await service.checkWithin();
    expect(next.lastKnown).toBeUndefined();
    expect(next.overall_status).toBe(HealthStatus.UNHEALTHY);
  });

  it('answers UNHEALTHY "no answer yet" for a check that has never answered, as readiness does', async () => {
    const cache = switchable('cache');
    cache.state.hang = true;
    make([fast('db'), { ...cache.definition, critical: false }]);
    const report = await answer();
    const status = report.components.find((c) => c.name === 'cache')!;
    expect(status).toMatchObject({
      status: HealthStatus.UNHEALTHY,
      message: 'cache: no answer yet (its first check is still running)',
      metadata: { unknown: true },
    });
    // Not critical: the system is at worst DEGRADED.
    expect(report.overall_status).toBe(HealthStatus.DEGRADED);
  });

  it('never freezes on "healthy": a result older than three intervals and its timeout is unknown', async () => {
    const cache = switchable('cache');
    make([{ ...cache.definition, timeoutMs: 1000 }], 2000);
    await service.check();
    cache.state.hang = true;
    // Still fresh: three intervals (6 s) and the timeout (1 s) not yet passed.
    await jest.advanceTimersByTimeAsync(STALE_INTERVALS * 2000 + 1000 - 100);
    expect((await answer()).components[0].status).toBe(HealthStatus.HEALTHY);
    await jest.advanceTimersByTimeAsync(200);
    const stale = (await answer()).components[0];
    expect(stale).toMatchObject({
      status: HealthStatus.UNHEALTHY,
      metadata: { unknown: true, last_status: 'healthy' },
    });
    expect(stale.message).toMatch(/^cache: no answer for 7 s \(last healthy: /);
  });

  it('counts a result the engine keeps on purpose (its cache TTL) as fresh: the run after its expiry, slower than the budget, is no "no answer"', async () => {
    const ai = switchable('ai');
    // Unknown after 3 x 1 s + 1 s = 4 s; the result is kept 10 s.
    make([{ ...ai.definition, timeoutMs: 1000, cacheTtlMs: 10_000 }], 1000);
    await service.check();
    await jest.advanceTimersByTimeAsync(9000);
    expect((await service.checkWithin()).components[0].status).toBe(HealthStatus.HEALTHY);
    // The TTL has expired: the next run takes longer than the budget (a provider's latency).
    await jest.advanceTimersByTimeAsync(1100);
    ai.state.hang = true;
    const report = await answer();
    expect(report.lastKnown).toBe(true);
    expect(report.components[0]).toMatchObject({ status: HealthStatus.HEALTHY });
    expect(report.components[0].metadata.unknown).toBeUndefined();
  });

  it('keeps a shadow check out of the overall status in a last known report too', async () => {
    const search = switchable('search');
    search.state.hang = true;
    make([fast('db'), { ...search.definition, mode: 'shadow' }]);
    const report = await answer();
    expect(report.components.find((c) => c.name === 'search')).toMatchObject({
      status: HealthStatus.UNHEALTHY,
      shadow: true,
    });
    expect(report.overall_status).toBe(HealthStatus.HEALTHY);
  });

  it('answers one component within the budget too, and names an unknown one', async () => {
    const cache = switchable('cache');
    make([cache.definition]);
    await service.check();
    cache.state.hang = true;
    await jest.advanceTimersByTimeAsync(5000);
    const pending = service.checkComponentWithin('cache');
    await jest.advanceTimersByTimeAsync(50);
    expect(await pending).toBe(service.getLastStatus('cache'));
    await expect(service.checkComponentWithin('nope')).rejects.toThrow('"nope"');
  });
});

describe('the age of a last known result in the report formats', () => {
  const status = (name: string): ComponentStatus => ({
    name,
    status: HealthStatus.HEALTHY,
    message: 'ok',
    response_time_ms: 1,
    metadata: {},
  });
  const db = status('db');
  const cache = status('cache');
  const checkedAt = new Map<ComponentStatus, number>([
    [db, 1_700_000_009_500],
    [cache, 1_700_000_000_000],
  ]);

  it('says an answer did not wait, with each result\u2019s age, in the full report', () => {
    const body = toFullReport(
      {
        overall_status: HealthStatus.HEALTHY,
        components: [db, cache],
        timestamp: 1_700_000_010,
        lastKnown: true,
      },
      false,
      (c) => checkedAt.get(c),
    );
    expect(body).toEqual({
      overall_status: 'healthy',
      timestamp: 1_700_000_010,
      last_known: true,
      components: [
        { name: 'db', status: 'healthy', response_time_ms: 1, age_ms: 500 },
        { name: 'cache', status: 'healthy', response_time_ms: 1, age_ms: 10_000 },
      ],
    });
  });

  it('adds nothing to an answer that waited for every check', () => {
    const body = toFullReport(
      { overall_status: HealthStatus.HEALTHY, components: [db], timestamp: 1_700_000_010 },
      false,
      (c) => checkedAt.get(c),
    );
    expect(body).toEqual({
      overall_status: 'healthy',
      timestamp: 1_700_000_010,
      components: [{ name: 'db', status: 'healthy', response_time_ms: 1 }],
    });
  });

  it('gives each check its own time in application/health+json', () => {
    const body = toHealthJson(
      {
        overall_status: HealthStatus.HEALTHY,
        components: [db, status('new')],
        timestamp: 1_700_000_010,
      },
      { version: '1', details: false, checkedAtMs: (c) => checkedAt.get(c) },
    );
    expect(body.checks['db:responseTime'][0].time).toBe(new Date(1_700_000_009_500).toISOString());
    // No run known: the report's time.
    expect(body.checks['new:responseTime'][0].time).toBe(new Date(1_700_000_010_000).toISOString());
  });
});
