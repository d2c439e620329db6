import { Logger } from '@nestjs/common';
import { Registry } from 'prom-client';
import type { HealthClock } from '../core/clock';
import type { HealthCheckDefinition, HealthCheckOptions } from '../core/health-check';
import { HealthStatus } from '../core/health-status';
import { HealthService } from '../core/health.service';
import type { HealthEngineOptions } from '../core/engine.options';
import { dateClock } from '../testing/clocks';
import type { Sample } from '../testing/prometheus-text';
import { parseMetrics, select, stateSets, valueOf } from '../testing/prometheus-text';
import { HealthMetrics } from './health.metrics';
import { HEALTH_METRIC_NAMES as N } from './metrics.constants';

const { HEALTHY, DEGRADED, UNHEALTHY } = HealthStatus;

/** A check whose status the test sets, counting its runs. */
class Switch implements HealthCheckDefinition {
  calls = 0;
  status = HEALTHY;
  message = 'fine';
  /** Milliseconds the manual clock moves during a run. */
  takesMs = 0;
  constructor(
    readonly name: string,
    private readonly clock: ManualClock,
    options: HealthCheckOptions & {
      status?: HealthStatus;
      message?: string;
      takesMs?: number;
    } = {},
  ) {
    Object.assign(this, options);
  }
  check() {
    this.calls++;
    this.clock.now += this.takesMs;
    return { status: this.status, message: this.message };
  }
}

class ManualClock implements HealthClock {
  now = 1_000;
  monotonicMs = () => this.now;
  epochMs = () => this.now;
}

describe('HealthMetrics', () => {
  let clock: ManualClock;
  let registry: Registry;
  let health: HealthService;
  let metrics: HealthMetrics;

  afterEach(() => {
    metrics?.onModuleDestroy();
    health?.onModuleDestroy();
    jest.restoreAllMocks();
    jest.useRealTimers();
  });

  function start(checks: HealthCheckDefinition[], options: HealthEngineOptions = {}) {
    clock = new ManualClock();
    registry = new Registry();
    health = new HealthService({ checks, retries: 0, clock, ...options });
    metrics = new HealthMetrics(health, registry);
    metrics.onModuleInit();
  }

  const scrape = async (): Promise<Sample[]> => parseMetrics(await registry.metrics());
  const components = async () => stateSets(await scrape(), N.componentStatus);
  const overall = async () => stateSets(await scrape(), N.overallStatus)[''];
  const runs = (s: Sample[], component: string, status: string) =>
    valueOf(s, N.checkRuns, { component, status });
  const durationCount = (s: Sample[], component: string) =>
    valueOf(s, `${N.checkDuration}_count`, { component });

  it('keeps one state at 1 per component and for the system as checks flip', async () => {
    const api = new Switch('api', new ManualClock());
    const cache = new Switch('cache', new ManualClock(), { critical: false });
    start([api, cache]);
    const steps: [HealthStatus, HealthStatus, string][] = [
      [HEALTHY, HEALTHY, 'healthy'],
      [HEALTHY, UNHEALTHY, 'degraded'],
      [DEGRADED, UNHEALTHY, 'degraded'],
      [UNHEALTHY, HEALTHY, 'unhealthy'],
      [HEALTHY, HEALTHY, 'healthy'],
    ];
    for (const [apiStatus, cacheStatus, system] of steps) {
      api.status = apiStatus;
      cache.status = cacheStatus;
      await health.check();
      expect(await components()).toEqual({ api: apiStatus, cache: cacheStatus });
      expect(await overall()).toBe(system);
    }
  });

  it('has no series before the first event, and none for the system before a full report', async () => {
    const api = new Switch('api', new ManualClock());
    start([api]);
    // Only the series read from the engine at each scrape: the configuration's and the age of
    // the periodic evaluation (NaN: none yet).
    const first = await scrape();
    expect(first.map((sample) => sample.name)).toEqual([
      N.configVersion,
      N.configReloadFailures,
      N.evaluationAge,
    ]);
    expect(select(first, N.evaluationAge).map((sample) => sample.value)).toEqual([NaN]);
    api.status = UNHEALTHY;
    await health.check({ exclude: ['other'] });
    expect(await components()).toEqual({ api: 'unhealthy' });
    expect(select(await scrape(), N.overallStatus)).toEqual([]);
  });

  it('updates components from partial reports and runs, the system only from full reports', async () => {
    const api = new Switch('api', new ManualClock(), { tags: ['ready'] });
    const cache = new Switch('cache', new ManualClock());
    start([api, cache]);
    await health.check();
    api.status = UNHEALTHY;
    await health.check({ tags: ['ready'] });
    cache.status = DEGRADED;
    await health.checkComponent('cache');
    expect(await components()).toEqual({ api: 'unhealthy', cache: 'degraded' });
    expect(await overall()).toBe('healthy');
    await health.check();
    expect(await overall()).toBe('unhealthy');
  });

  it('counts every real run and observes its duration in seconds', async () => {
    start([]);
    const api = new Switch('api', clock, { takesMs: 250 });
    health.register(api);
    await health.check();
    api.status = DEGRADED;
    api.takesMs = 3;
    await health.check();
    await health.checkComponent('api');
    const s = await scrape();
    expect(runs(s, 'api', 'healthy')).toBe(1);
    expect(runs(s, 'api', 'degraded')).toBe(2);
    expect(runs(s, 'api', 'unhealthy')).toBe(0);
    expect(durationCount(s, 'api')).toBe(api.calls);
    expect(valueOf(s, `${N.checkDuration}_sum`, { component: 'api' })).toBeCloseTo(0.256);
    const bucket = (le: string) =>
      valueOf(s, `${N.checkDuration}_bucket`, { component: 'api', le });
    expect([bucket('0.0025'), bucket('0.005'), bucket('0.1'), bucket('0.25'), bucket('5')]).toEqual(
      [0, 2, 2, 3, 3],
    );
    expect(valueOf(s, N.checkTimeouts, { component: 'api' })).toBe(0);
  });

  it('adds no run for a result served from cache', async () => {
    const api = new Switch('api', new ManualClock(), { cacheTtlMs: 60_000 });
    start([api]);
    for (let i = 0; i < 4; i++) await health.check();
    await health.checkComponent('api');
    const s = await scrape();
    expect(api.calls).toBe(1);
    expect(runs(s, 'api', 'healthy')).toBe(1);
    expect(durationCount(s, 'api')).toBe(1);
  });

  it('counts a timed-out run as a timeout and a degraded run', async () => {
    const slow: HealthCheckDefinition = {
      name: 'slow',
      timeoutMs: 10,
      check: () => new Promise(() => undefined),
    };
    start([slow], { clock: undefined });
    await health.check();
    const s = await scrape();
    expect(valueOf(s, N.checkTimeouts, { component: 'slow' })).toBe(1);
    expect(runs(s, 'slow', 'degraded')).toBe(1);
    expect(await components()).toEqual({ slow: 'degraded' });
  });

  it('never runs a check when scraped', async () => {
    const api = new Switch('api', new ManualClock());
    start([api]);
    await health.check();
    const before = await registry.metrics();
    for (let i = 0; i < 5; i++) await registry.metrics();
    expect(api.calls).toBe(1);
    expect(await registry.metrics()).toBe(before);
  });

  it('puts component names in labels, never messages', async () => {
    const api = new Switch('api', new ManualClock(), { message: 'token sk-live-123 rejected' });
    start([api]);
    await health.check();
    const text = await registry.metrics();
    expect(text).not.toContain('sk-live-123');
    expect(text).not.toContain('rejected');
    const labels = (await scrape()).flatMap((s) => Object.values(s.labels));
    expect(new Set(labels)).toEqual(
      new Set(['api', 'healthy', 'degraded', 'unhealthy', ...bucketBounds()]),
    );
  });

  it('removes every series of an unregistered component at the next report', async () => {
    const api = new Switch('api', new ManualClock());
    start([api, new Switch('payments', new ManualClock())]);
    await health.check();
    expect(select(await scrape(), N.checkRuns, { component: 'payments' })).toHaveLength(3);
    health.unregister('payments');
    await health.check();
    const s = await scrape();
    expect(s.filter((sample) => sample.labels.component === 'payments')).toEqual([]);
    expect(await components()).toEqual({ api: 'healthy' });
    health.register(new Switch('payments', new ManualClock()));
    await health.checkComponent('payments');
    expect(runs(await scrape(), 'payments', 'healthy')).toBe(1);
  });

  it('does not bring back a component whose run or report ends after it was unregistered', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const gated: HealthCheckDefinition = {
      name: 'gated',
      check: async () => (await gate, { status: HEALTHY }),
    };
    start([gated, new Switch('api', new ManualClock())]);
    const report = health.check();
    await Promise.resolve();
    health.unregister('gated');
    health.unregister('api');
    release();
    expect((await report).components.map((c) => c.name)).toEqual(['gated', 'api']);
    expect((await scrape()).filter((s) => s.labels.component)).toEqual([]);
  });

  it('shows the newest status when a report ends after a newer run of one of its checks', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const gated: HealthCheckDefinition = {
      name: 'gated',
      check: async () => (await gate, { status: HEALTHY }),
    };
    const api = new Switch('api', new ManualClock());
    start([gated, api]);
    const report = health.check();
    await Promise.resolve();
    api.status = UNHEALTHY;
    await health.checkComponent('api');
    release();
    expect((await report).components[1].status).toBe(HEALTHY);
    expect(await components()).toEqual({ gated: 'healthy', api: 'unhealthy' });
  });

  it("uses the report's status for a check replaced while the report ran", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const gated: HealthCheckDefinition = {
      name: 'gated',
      check: async () => (await gate, { status: DEGRADED }),
    };
    start([gated, new Switch('api', new ManualClock(), { status: UNHEALTHY })]);
    const report = health.check();
    await Promise.resolve();
    health.register(new Switch('api', new ManualClock()), { replace: true });
    release();
    await report;
    expect(await components()).toEqual({ gated: 'degraded', api: 'unhealthy' });
  });

  it('starts from the last full report when the engine ran before it', async () => {
    registry = new Registry();
    health = new HealthService({ checks: [new Switch('api', new ManualClock())] });
    await health.check();
    metrics = new HealthMetrics(health, registry);
    metrics.onModuleInit();
    expect(await components()).toEqual({ api: 'healthy' });
    expect(await overall()).toBe('healthy');
  });

  it("follows the engine's own evaluations, at bootstrap and every evaluationIntervalMs", async () => {
    jest.useFakeTimers();
    const api = new Switch('api', new ManualClock());
    start([api], { clock: dateClock, evaluationIntervalMs: 1_000 });
    health.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(0);
    expect(await components()).toEqual({ api: 'healthy' });
    expect(await overall()).toBe('healthy');
    api.status = UNHEALTHY;
    await jest.advanceTimersByTimeAsync(1_000);
    expect(await components()).toEqual({ api: 'unhealthy' });
    expect(await overall()).toBe('unhealthy');
    await jest.advanceTimersByTimeAsync(2_000);
    const s = await scrape();
    expect(api.calls).toBe(4);
    expect([runs(s, 'api', 'healthy'), runs(s, 'api', 'unhealthy')]).toEqual([1, 3]);
    expect(durationCount(s, 'api')).toBe(4);
  });

  it('records a scheduled report like any other full report', async () => {
    const api = new Switch('api', new ManualClock(), { status: DEGRADED });
    start([api]);
    const infos: unknown[] = [];
    health.onReport((_, info) => void infos.push(info));
    await health.tick();
    expect(infos).toEqual([{ full: true, scheduled: true, settled: true }]);
    expect(await components()).toEqual({ api: 'degraded' });
    expect(await overall()).toBe('degraded');
  });

  it('on module destroy, unsubscribes and removes its metrics from the registry', async () => {
    const api = new Switch('api', new ManualClock());
    start([api]);
    await health.check();
    metrics.onModuleDestroy();
    expect(registry.getMetricsAsArray()).toEqual([]);
    await health.check();
    expect(registry.getMetricsAsArray()).toEqual([]);
    expect(await scrape()).toEqual([]);
  });

  it('takes over metrics another instance left in the registry, without throwing', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation();
    start([new Switch('api', new ManualClock())]);
    const older = metrics;
    const other = new HealthService({ checks: [new Switch('cache', new ManualClock())] });
    metrics = new HealthMetrics(other, registry);
    expect(() => metrics.onModuleInit()).not.toThrow();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining(N.componentStatus));
    await Promise.all([health.check(), other.check()]);
    older.onModuleDestroy();
    expect(await components()).toEqual({ cache: 'healthy' });
    metrics.onModuleDestroy();
    expect(registry.getMetricsAsArray()).toEqual([]);
    other.onModuleDestroy();
  });
});

function bucketBounds(): string[] {
  return [
    '0.0005',
    '0.001',
    '0.0025',
    '0.005',
    '0.01',
    '0.025',
    '0.05',
    '0.1',
    '0.25',
    '0.5',
  ].concat(['1', '2.5', '5', '+Inf']);
}
