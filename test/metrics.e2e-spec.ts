import { HealthService, HealthStatus } from '@nest-health/core';
import { HEALTH_METRIC_NAMES as N } from '@nest-health/core/metrics';
import { CircuitBreakerRegistry } from '@nest-health/core/resilience';
import type { Sample } from '@nest-health/core/testing';
import {
  parseMetrics,
  metricSamples as select,
  metricStateSets as stateSets,
} from '@nest-health/core/testing';
import type { INestApplication } from '@nestjs/common';
import { register } from 'prom-client';
import request from 'supertest';
import { HostHealthChecks } from '../apps/api/src/health/host-health-checks';
import { BREAKER_NAMES } from '../apps/api/src/resilience/resilience-presets';
import { createApiApp } from './support/api-app';

const GEMINI_API_KEY = 'AIza-metrics-e2e-secret';
const COMPONENTS = ['ai_model', 'cache', 'resilience'];
const PROCESS_METRIC = 'process_cpu_user_seconds_total';

describe('GET /metrics', () => {
  const apps: INestApplication[] = [];

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  /** Boots the service and waits for its startup evaluation, so checks registered next run. */
  async function boot(env: Record<string, string> = { GEMINI_API_KEY }) {
    const app = await createApiApp(env);
    apps.push(app);
    await app.get(HealthService).check();
    return app;
  }

  async function scrape(app: INestApplication): Promise<{ text: string; samples: Sample[] }> {
    const res = await request(app.getHttpServer()).get('/metrics').expect(200);
    // Express puts its charset first: the media type and its version are what Prometheus reads.
    const [type, ...params] = (res.headers['content-type'] as string).split(/;\s*/);
    expect([type, params.sort()]).toEqual(['text/plain', ['charset=utf-8', 'version=0.0.4']]);
    return { text: res.text, samples: parseMetrics(res.text) };
  }

  const health = (app: INestApplication) =>
    request(app.getHttpServer()).get('/v1/health').expect(200);
  const total = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
    select(samples, name, labels).reduce((sum, s) => sum + s.value, 0);

  it('serves every health series and the process metrics, fed by the checks already run', async () => {
    const app = await boot();
    for (let i = 0; i < 3; i++) await health(app);
    const { samples } = await scrape(app);

    expect(stateSets(samples, N.componentStatus)).toEqual({
      ai_model: 'healthy',
      cache: 'healthy',
      resilience: 'healthy',
    });
    expect(stateSets(samples, N.overallStatus)).toEqual({ '': 'healthy' });
    for (const component of COMPONENTS) {
      const runs = total(samples, N.checkRuns, { component });
      expect(runs).toBeGreaterThanOrEqual(3);
      const count = select(samples, `${N.checkDuration}_count`, { component });
      expect(count.map((s) => s.value)).toEqual([runs]);
      expect(select(samples, `${N.checkDuration}_bucket`, { component })).toHaveLength(14);
      expect(select(samples, N.checkTimeouts, { component })).toEqual([
        expect.objectContaining({ value: 0 }),
      ]);
    }
    for (const name of [PROCESS_METRIC, 'nodejs_heap_size_used_bytes']) {
      expect(select(samples, name)).not.toEqual([]);
    }
  });

  it('never runs a check when scraped', async () => {
    const app = await boot();
    // The host runs only its enabled components: count the runs of its own checks.
    const runsOf = new Map(
      app
        .get(HostHealthChecks, { strict: false })
        .checks.filter((check) => COMPONENTS.includes(check.name))
        .map((check) => [check.name, jest.spyOn(check, 'check')]),
    );
    expect([...runsOf.keys()].sort()).toEqual(COMPONENTS);
    const calls = () => [...runsOf.values()].map((spy) => spy.mock.calls.length);
    await health(app);
    expect(calls()).toEqual([1, 1, 1]);
    const first = total((await scrape(app)).samples, N.checkRuns);
    const second = total((await scrape(app)).samples, N.checkRuns);
    expect(first).toBeGreaterThanOrEqual(COMPONENTS.length * 2);
    expect(second).toBe(first);
    expect(calls()).toEqual([1, 1, 1]);
  });

  it('carries no message and no secret in any label', async () => {
    const app = await boot();
    await health(app);
    const { text, samples } = await scrape(app);
    const messages = app
      .get(HealthService)
      .getLastReport()!
      .components.map((c) => c.message);
    expect(messages.every((message) => message.length > 0)).toBe(true);
    const values = new Set(samples.flatMap((s) => Object.values(s.labels)));
    for (const value of values) {
      expect(messages.some((message) => value.includes(message))).toBe(false);
    }
    expect(text).not.toContain(GEMINI_API_KEY);
    const componentLabels = new Set(samples.map((s) => s.labels.component).filter(Boolean));
    expect([...componentLabels].sort()).toEqual(COMPONENTS);
  });

  it('flips resilience to degraded while a circuit breaker is open, and back', async () => {
    const app = await boot();
    const isolation = app.get(CircuitBreakerRegistry).get(BREAKER_NAMES.summarize)!.isolate();
    try {
      await health(app);
      const { samples } = await scrape(app);
      expect(stateSets(samples, N.componentStatus).resilience).toBe('degraded');
      expect(stateSets(samples, N.overallStatus)).toEqual({ '': 'degraded' });
    } finally {
      isolation.dispose();
    }
    await health(app);
    expect(stateSets((await scrape(app)).samples, N.componentStatus).resilience).toBe('healthy');
  });

  it('counts a timed-out check', async () => {
    const app = await boot({ GEMINI_API_KEY, HEALTH_CHECK_CACHE_TIMEOUT_MS: '50' });
    app
      .get(HealthService)
      .register(
        { name: 'cache', check: () => new Promise<never>(() => undefined) },
        { replace: true },
      );
    await health(app);
    const { samples } = await scrape(app);
    expect(select(samples, N.checkTimeouts, { component: 'cache' })[0].value).toBe(1);
    expect(stateSets(samples, N.componentStatus).cache).toBe('degraded');
  });

  it('starts clean in each app of one process, and copes with apps open side by side', async () => {
    const first = await boot();
    first
      .get(HealthService)
      .register(
        { name: 'cache', check: () => ({ status: HealthStatus.UNHEALTHY }) },
        { replace: true },
      );
    await first.get(HealthService).check();
    expect(stateSets((await scrape(first)).samples, N.componentStatus).cache).toBe('unhealthy');
    await first.close();
    apps.splice(0);
    expect(register.getSingleMetric(N.componentStatus)).toBeUndefined();

    const second = await boot();
    const third = await boot({});
    await health(second);
    await health(third);
    for (const app of [second, third]) {
      const states = stateSets((await scrape(app)).samples, N.componentStatus);
      expect(Object.keys(states).sort()).toEqual(COMPONENTS);
    }
    expect(stateSets((await scrape(second)).samples, N.componentStatus).cache).toBe('healthy');
    // The process metrics too: registered once in the process, served by every app.
    expect(register.getMetricsAsArray().filter((m) => m.name === PROCESS_METRIC)).toHaveLength(1);
    expect(select((await scrape(third)).samples, PROCESS_METRIC)).toHaveLength(1);
  });
});
