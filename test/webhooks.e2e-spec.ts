import type { HealthClock, HealthModuleOptions } from '@nest-health/core';
import { HealthModule, healthOptionsFromEnv, HealthService, HealthStatus } from '@nest-health/core';
import { HealthMetricsModule } from '@nest-health/core/metrics';
import {
  parseMetrics,
  metricSamples as select,
  metricValue as valueOf,
} from '@nest-health/core/testing';
import type { WebhookOptions, WebhookStats } from '@nest-health/core/webhooks';
import {
  healthWebhookOptionsFromEnv,
  HealthWebhooksModule,
  WebhookNotifier,
} from '@nest-health/core/webhooks';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import Redis from 'ioredis';
import { register as globalRegistry, Registry } from 'prom-client';
import request from 'supertest';
import { WEBHOOK_METRIC_NAMES as W } from '../libs/health/src/webhooks/webhook.constants';
import { HEALTH_WEBHOOK_TUNING } from '../libs/health/src/webhooks/webhook.tuning';
import { CapturingLogger, createApiApp } from './support/api-app';
import { PrivateRedis } from './support/redis-server';
import type { ReceivedEvent } from './support/webhook-receiver';
import { WebhookReceiver } from './support/webhook-receiver';

const { HEALTHY: H, DEGRADED: D, UNHEALTHY: U } = HealthStatus;
const SECRET = 'whsec-e2e-signing-secret';
/** A path with a token in it, like Slack's: it must never be logged. */
const TOKEN_PATH = '/hooks/T0KEN-in-path';

/** Wall-clock time is real (receivers check it); monotonic time is the test's to move. */
class ManualClock implements HealthClock {
  now = 0;
  skewMs = 0;
  monotonicMs = () => this.now;
  epochMs = () => Date.now() + this.skewMs;
}

/** A check whose status and message the test sets. */
class Switch {
  status = H;
  message = 'fine';
  constructor(
    readonly name: string,
    readonly critical = true,
  ) {}
  check = () => ({ status: this.status, message: this.message });
}

/** The engine's options, and the webhooks' (their own module). */
interface BootOptions extends HealthModuleOptions {
  webhooks?: WebhookOptions;
  /** Import `HealthMetricsModule` with the registry (default true): webhook counters go there. */
  metrics?: boolean;
  /** Configure the webhooks with `forRootAsync` instead, from these variables (injected). */
  webhookEnv?: Record<string, string>;
}

/** The token of an app's own configuration, which `forRootAsync` injects. */
const APP_ENV = Symbol('APP_ENV');

/** An app's configuration module: provides these variables under `APP_ENV`. */
function appEnvModule(env: Record<string, string>): DynamicModule {
  @Module({})
  class AppEnvModule {}
  return {
    module: AppEnvModule,
    providers: [{ provide: APP_ENV, useValue: env }],
    exports: [APP_ENV],
  };
}

interface Booted {
  app: INestApplication;
  health: HealthService;
  notifier: WebhookNotifier;
  registry: Registry;
  logger: CapturingLogger;
  stats: () => WebhookStats;
  /** One full evaluation. */
  evaluate: () => Promise<unknown>;
}

/**
 * The Redis client of a notifier with `dedup: 'redis'`. A claim made before it is ready is
 * `unavailable` (it queues nothing offline), and the instance announces anyway; there is no
 * public readiness signal, so tests that need it ready wait on this. Redis' own view is not
 * enough: CLIENT LIST shows a connection whose ready check (INFO) Redis has answered before the
 * client has read the answer.
 */
function dedupClient(notifier: WebhookNotifier): Redis {
  const dedup = (notifier as unknown as { dedup?: { redis?: Redis } }).dedup;
  if (!dedup?.redis) throw new Error('No Redis client in WebhookNotifier: update dedupClient()');
  return dedup.redis;
}

const transitions = (events: ReceivedEvent[]) =>
  events.map((e) => `${e.component ?? 'overall'}:${e.previous}->${e.current}`);

describe('Webhooks', () => {
  const apps: INestApplication[] = [];
  let receiver: WebhookReceiver;
  let clock: ManualClock;
  let payments: Switch;
  let attempts: number;

  beforeEach(async () => {
    receiver = await WebhookReceiver.start(SECRET);
    clock = new ManualClock();
    payments = new Switch('payments');
    attempts = 0;
  });

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
    await receiver.stop();
  });

  /** Counts attempts on their way to the real global fetch. */
  const countingFetch: typeof fetch = (input, init) => {
    attempts++;
    return fetch(input, init);
  };

  /** The webhook options of every test, before its own. */
  const webhookDefaults = (): WebhookOptions => ({
    urls: [receiver.url(TOKEN_PATH)],
    secret: SECRET,
    minConsecutive: 1,
    cooldownMs: 0,
  });

  async function boot(
    { webhooks, metrics = true, webhookEnv, ...options }: BootOptions = {},
    tuning: object = {},
    registry = new Registry(),
  ): Promise<Booted> {
    const logger = new CapturingLogger();
    const moduleRef = await Test.createTestingModule({
      imports: [
        HealthModule.forRoot({
          exposeHttp: false,
          retries: 0,
          clock,
          checks: [payments],
          // No periodic evaluations: each test decides when the engine evaluates.
          evaluationIntervalMs: 0,
          ...options,
        }),
        ...(metrics ? [HealthMetricsModule.forRoot({ registry, path: false })] : []),
        webhookEnv
          ? HealthWebhooksModule.forRootAsync({
              imports: [appEnvModule(webhookEnv)],
              inject: [APP_ENV],
              useFactory: (env: Record<string, string>) => healthWebhookOptionsFromEnv(env),
            })
          : HealthWebhooksModule.forRoot({ ...webhookDefaults(), ...webhooks }),
      ],
    })
      .overrideProvider(HEALTH_WEBHOOK_TUNING)
      .useValue({ initialDelayMs: 5, maxDelayMs: 20, fetch: countingFetch, ...tuning })
      .setLogger(logger)
      .compile();
    const app = moduleRef.createNestApplication({ logger });
    apps.push(app);
    await app.init();
    const health = app.get(HealthService);
    await health.check(); // the baseline
    const notifier = app.get(WebhookNotifier);
    const stats = () => notifier.stats();
    return { app, health, notifier, registry, logger, stats, evaluate: () => health.check() };
  }

  /** Sets the status and evaluates once per step. */
  async function steps(booted: Booted, switcher: Switch, statuses: HealthStatus[]) {
    for (const status of statuses) {
      switcher.status = status;
      await booted.evaluate();
    }
  }

  const deliveries = async (registry: Registry) => {
    const samples = parseMetrics(await registry.metrics());
    const count = (result: string) => valueOf(samples, W.deliveries, { result });
    return { delivered: count('delivered'), failed: count('failed'), dropped: count('dropped') };
  };

  it('posts a signed event per transition, the system first, as docs/webhooks.md describes', async () => {
    const b = await boot();
    const before = Math.floor(Date.now() / 1000);
    await steps(b, payments, [U]);
    await receiver.until(() => b.stats().delivered === 2);

    const [overall, component] = receiver.requests;
    expect(transitions(receiver.delivered())).toEqual([
      'overall:healthy->unhealthy',
      'payments:healthy->unhealthy',
    ]);
    for (const seen of receiver.requests) {
      expect(seen.verified).toBe(true);
      expect(seen.path).toBe(TOKEN_PATH);
      expect(seen.headers['content-type']).toBe('application/json');
      expect(seen.headers['x-health-event']).toBe('health.status_changed');
      expect(seen.headers['x-health-delivery']).toBe(seen.event.id);
      const timestamp = Number(seen.headers['x-health-timestamp']);
      expect(timestamp).toBeGreaterThanOrEqual(before);
      expect(timestamp).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
    }
    expect(overall.event).toEqual({
      id: expect.stringMatching(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      ),
      event: 'health.status_changed',
      service: 'api',
      component: null,
      previous: 'healthy',
      current: 'unhealthy',
      timestamp: expect.any(Number),
      report: {
        overall_status: 'unhealthy',
        timestamp: expect.any(Number),
        components: [{ name: 'payments', status: 'unhealthy', response_time_ms: 0 }],
      },
    });
    expect(Number.isInteger(overall.event.timestamp)).toBe(true);
    expect(Math.abs(overall.event.timestamp - before)).toBeLessThanOrEqual(1);
    expect(component.event).toMatchObject({ component: 'payments', service: 'api' });
    expect(component.event.id).not.toBe(overall.event.id);
    expect(b.stats()).toEqual({
      delivered: 2,
      failed: 0,
      dropped: 0,
      pending: 0,
      duplicates: 0,
      dedupUnavailable: 0,
    });
    expect(await deliveries(b.registry)).toEqual({ delivered: 2, failed: 0, dropped: 0 });
  });

  it('puts no secret in any body: signing secret, API keys, configured secrets, URL passwords', async () => {
    const apiKey = 'api-key-e2e-1234';
    const configured = 'AIza-configured-secret';
    payments.message = `down: ${SECRET} ${apiKey} ${configured} redis://u:pa55word@cache:6379`;
    // Details keys are secrets when they come from HEALTH_DETAILS_KEYS (the engine masks only
    // `secrets`; a key given to `detailsKeys` alone is not masked).
    const keys = healthOptionsFromEnv({ HEALTH_DETAILS_KEYS: apiKey });
    const b = await boot({
      detailsKeys: keys.detailsKeys,
      secrets: [...(keys.secrets ?? []), configured],
      webhooks: { includeDetails: true, serviceName: 'billing' },
    });
    await steps(b, payments, [U]);
    await receiver.until(() => receiver.delivered().length === 2);
    for (const seen of receiver.requests) {
      for (const secret of [SECRET, apiKey, configured, 'pa55word']) {
        expect(seen.rawBody).not.toContain(secret);
      }
      expect(seen.event.service).toBe('billing');
      expect(seen.event.report.components[0]).toMatchObject({
        message: 'down: *** *** *** redis://u:***@cache:6379',
      });
    }
  });

  it('leaves messages and metadata out of the report unless includeDetails', async () => {
    payments.message = 'details that unauthenticated callers do not see';
    const b = await boot();
    await steps(b, payments, [D]);
    await receiver.until(() => receiver.delivered().length === 2);
    for (const seen of receiver.requests) {
      expect(seen.rawBody).not.toContain('details');
      expect(Object.keys(seen.event.report.components[0]).sort()).toEqual([
        'name',
        'response_time_ms',
        'status',
      ]);
    }
  });

  it('delivers after retries when the receiver is down, then back', async () => {
    await receiver.down();
    const b = await boot({ webhooks: { maxAttempts: 20 } }, { initialDelayMs: 20, maxDelayMs: 40 });
    await steps(b, payments, [U]);
    // A retry, not a fixed wait: under load 100 ms did not always hold two attempts.
    await receiver.until(() => attempts > 1);
    expect(b.stats()).toMatchObject({ delivered: 0, failed: 0, pending: 2 });
    await receiver.up();
    await receiver.until(() => b.stats().delivered === 2);
    expect(transitions(receiver.delivered())).toEqual([
      'overall:healthy->unhealthy',
      'payments:healthy->unhealthy',
    ]);
    expect(b.stats()).toMatchObject({ delivered: 2, failed: 0, pending: 0 });
  });

  it('retries a 500 maxAttempts times in all, then counts the event failed and logs the origin only', async () => {
    receiver.fallback = { status: 500 };
    const b = await boot({ webhooks: { maxAttempts: 3 } });
    await steps(b, payments, [U]);
    await receiver.until(() => b.stats().failed === 2);
    expect(attempts).toBe(6);
    expect(receiver.requests).toHaveLength(6);
    const ids = receiver.requests.map((r) => r.event.id);
    expect(new Set(ids).size).toBe(2);
    expect(ids.slice(0, 3)).toEqual([ids[0], ids[0], ids[0]]);
    const bodies = receiver.requests.filter((r) => r.event.id === ids[0]).map((r) => r.rawBody);
    expect(new Set(bodies).size).toBe(1);
    expect(await deliveries(b.registry)).toEqual({ delivered: 0, failed: 2, dropped: 0 });
    const origin = new URL(receiver.url()).origin;
    expect(b.logger.text).toContain(`Webhook to ${origin} failed after 3 attempts: HTTP 500`);
    expect(b.logger.text).not.toContain('T0KEN');
  });

  it('does not follow redirects: a 3xx is a failed attempt', async () => {
    receiver.fallback = { status: 307 };
    const b = await boot({ webhooks: { maxAttempts: 1 } });
    await steps(b, payments, [U]);
    await receiver.until(() => b.stats().failed === 2);
    expect(receiver.requests).toHaveLength(2);
  });

  it('times out a slow attempt, retries it with the same id and body, signed afresh', async () => {
    receiver.answers.push({ status: 204, delayMs: 2000 }, { status: 204, delayMs: 2000 });
    const b = await boot({ webhooks: { maxAttempts: 2, attemptTimeoutMs: 100 } });
    await steps(b, payments, [U]);
    await receiver.until(() => b.stats().delivered === 1 && b.stats().failed === 1);
    const [first, second, third] = receiver.requests;
    expect(receiver.requests).toHaveLength(3);
    expect(second.event.id).toBe(first.event.id);
    expect(second.rawBody).toBe(first.rawBody);
    expect([first.answered, second.answered]).toEqual([undefined, undefined]);
    expect(second.verified).toBe(true);
    expect(third.answered).toBe(204);
    expect(b.logger.text).toMatch(/failed after 2 attempts: timed out after 100 ms/);
  });

  it('rejects (and so retries, then fails) an event signed more than 5 minutes ago', async () => {
    clock.skewMs = -6 * 60_000;
    const b = await boot({ webhooks: { maxAttempts: 2 } });
    await steps(b, payments, [U]);
    await receiver.until(() => b.stats().failed === 2);
    expect(receiver.requests.map((r) => [r.verified, r.answered])).toEqual(
      Array(4).fill([false, 401]),
    );
  });

  it('keeps queueSize waiting events per URL: the oldest is dropped and counted', async () => {
    const [db, cache] = [new Switch('db'), new Switch('cache', false)];
    db.status = cache.status = D;
    receiver.fallback = 'hold';
    const b = await boot({ checks: [db, cache], webhooks: { queueSize: 2 } });
    // The system stays degraded: only the non-critical cache changes, five times.
    await steps(b, cache, [U, D, U, D, U]);
    await receiver.until(() => receiver.requests.length === 1);
    expect(b.stats()).toMatchObject({ dropped: 2, pending: 3 });
    expect(await deliveries(b.registry)).toEqual({ delivered: 0, failed: 0, dropped: 2 });
    receiver.fallback = { status: 204 };
    receiver.release();
    await receiver.until(() => b.stats().delivered === 3);
    expect(transitions(receiver.delivered())).toEqual([
      'cache:degraded->unhealthy',
      'cache:unhealthy->degraded',
      'cache:degraded->unhealthy',
    ]);
    expect(await deliveries(b.registry)).toEqual({ delivered: 3, failed: 0, dropped: 2 });
  });

  it('damps flapping: minConsecutive evaluations, and one announcement per cooldown', async () => {
    const b = await boot({ webhooks: { minConsecutive: 2, cooldownMs: 60_000 } });
    const tick = async (status: HealthStatus) => {
      clock.now += 10_000;
      await steps(b, payments, [status]);
    };
    for (const status of [U, H, U, H, D, H]) await tick(status); // never twice in a row
    for (const status of [U, U]) await tick(status); // confirmed at t=80 s
    for (const status of [H, H, H, H, H]) await tick(status); // confirmed, but within the cooldown
    await receiver.until(() => receiver.delivered().length === 2);
    expect(transitions(receiver.delivered())).toEqual([
      'overall:healthy->unhealthy',
      'payments:healthy->unhealthy',
    ]);
    await tick(H); // t=140 s: the cooldown is over and the status still differs
    await receiver.until(() => receiver.delivered().length === 4);
    expect(transitions(receiver.delivered()).slice(2)).toEqual([
      'overall:unhealthy->healthy',
      'payments:unhealthy->healthy',
    ]);
    for (const status of [U, U, H, H]) await tick(status); // a flap held by the cooldown, gone
    clock.now += 120_000;
    await tick(H);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(receiver.requests).toHaveLength(4);
  });

  it('drives webhooks from full reports only', async () => {
    const b = await boot({ checks: [{ ...payments, tags: ['ready'] }] });
    payments.status = U;
    await b.health.check({ tags: ['ready'] });
    await b.health.checkComponent('payments');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(receiver.requests).toEqual([]);
    await b.evaluate();
    await receiver.until(() => receiver.delivered().length === 2);
  });

  it('keeps order per URL: one delivery in flight each, a slow URL holding no other back', async () => {
    const slow = await WebhookReceiver.start(SECRET);
    try {
      slow.fallback = { status: 204, delayMs: 30 };
      const b = await boot({ webhooks: { urls: [slow.url('/slow'), receiver.url('/fast')] } });
      await steps(b, payments, [U, D, H, U, H, D]);
      await receiver.until(() => receiver.delivered().length === 12);
      expect(slow.delivered().length).toBeLessThan(12);
      await slow.until(() => b.stats().delivered === 24);
      expect(slow.delivered().map((e) => e.id)).toEqual(receiver.delivered().map((e) => e.id));
      expect(transitions(slow.delivered()).filter((t) => t.startsWith('payments'))).toEqual([
        'payments:healthy->unhealthy',
        'payments:unhealthy->degraded',
        'payments:degraded->healthy',
        'payments:healthy->unhealthy',
        'payments:unhealthy->healthy',
        'payments:healthy->degraded',
      ]);
      expect(b.stats()).toMatchObject({ delivered: 24, pending: 0 });
    } finally {
      await slow.stop();
    }
  });

  it('on close, drops pending events, aborts the attempt in flight and leaves no timer', async () => {
    receiver.fallback = 'hold';
    const b = await boot({}, { initialDelayMs: 60_000, maxDelayMs: 60_000 });
    const registry = b.registry;
    await steps(b, payments, [U, H, U]);
    await receiver.until(() => receiver.requests.length === 1);
    expect(b.stats().pending).toBe(6);
    const started = Date.now();
    await b.app.close();
    apps.splice(apps.indexOf(b.app), 1);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(b.stats()).toMatchObject({ delivered: 0, failed: 0, dropped: 6, pending: 0 });
    expect(registry.getSingleMetric(W.deliveries)).toBeUndefined();
    payments.status = D;
    await b.health.check();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(receiver.requests).toHaveLength(1);
  });

  it('registers nothing and sends nothing without URLs', async () => {
    const registry = new Registry();
    const b = await boot({ webhooks: { urls: [] } }, {}, registry);
    await steps(b, payments, [U]);
    expect(b.notifier.enabled).toBe(false);
    expect(registry.getSingleMetric(W.deliveries)).toBeUndefined();
    expect(b.stats()).toMatchObject({ delivered: 0, pending: 0 });
  });

  it('delivers without HealthMetricsModule, counting in stats() only', async () => {
    const b = await boot({ metrics: false });
    await steps(b, payments, [U]);
    await receiver.until(() => b.stats().delivered === 2);
    expect(transitions(receiver.delivered())).toEqual([
      'overall:healthy->unhealthy',
      'payments:healthy->unhealthy',
    ]);
    expect(globalRegistry.getSingleMetric(W.deliveries)).toBeUndefined();
    expect(globalRegistry.getSingleMetric(W.dedup)).toBeUndefined();
  });

  it("announces what the engine's periodic evaluations find, with no caller", async () => {
    const b = await boot({ evaluationIntervalMs: 20 });
    payments.status = U;
    await receiver.until(() => b.stats().delivered === 2);
    expect(transitions(receiver.delivered())).toEqual([
      'overall:healthy->unhealthy',
      'payments:healthy->unhealthy',
    ]);
    payments.status = H;
    await receiver.until(() => b.stats().delivered === 4);
    expect(transitions(receiver.delivered()).slice(2)).toEqual([
      'overall:unhealthy->healthy',
      'payments:unhealthy->healthy',
    ]);
  });

  it('is configured with forRootAsync, from the HEALTH_WEBHOOK_* variables', async () => {
    const b = await boot({
      webhookEnv: {
        HEALTH_WEBHOOK_URLS: receiver.url(TOKEN_PATH),
        HEALTH_WEBHOOK_SECRET: SECRET,
        HEALTH_WEBHOOK_MIN_CONSECUTIVE: '2',
        HEALTH_WEBHOOK_COOLDOWN_MS: '0',
        HEALTH_WEBHOOK_MAX_ATTEMPTS: '2',
        HEALTH_SERVICE_NAME: 'from-env',
      },
    });
    receiver.fallback = { status: 500 };
    await steps(b, payments, [U]); // 1 of 2: nothing yet
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(receiver.requests).toEqual([]);
    await steps(b, payments, [U]);
    await receiver.until(() => b.stats().failed === 2);
    expect(receiver.requests).toHaveLength(4);
    for (const seen of receiver.requests) {
      expect(seen.verified).toBe(true);
      expect(seen.event.service).toBe('from-env');
    }
  });

  it('refuses a webhook URL with a user or password at startup, and shows no password', async () => {
    const url = receiver.url('/hooks').replace('//', '//hooks:pa55word@');
    const booting = boot({ webhooks: { urls: [url] } });
    await expect(booting).rejects.toThrow(
      /^Invalid setting webhooks\.urls: "http:\/\/hooks:\*\*\*@127\.0\.0\.1:\d+\/hooks" \(expected URLs without user or password/,
    );
    await expect(booting).rejects.not.toThrow('pa55word');
  });

  describe('with fleet de-duplication', () => {
    let redis: PrivateRedis;

    beforeAll(async () => {
      redis = await PrivateRedis.start();
    });
    afterAll(() => redis.stop());

    /** Three instances of one service, sharing Redis and the receiver, each with its own check. */
    async function fleet(service: string): Promise<{ instances: Booted[]; flip: Switch[] }> {
      const flip = [0, 1, 2].map(() => new Switch('payments'));
      const instances: Booted[] = [];
      for (const check of flip) {
        payments = check;
        instances.push(
          await boot({
            webhooks: { dedup: 'redis', redisUrl: redis.url, serviceName: service },
          }),
        );
      }
      await dedupReady(instances);
      return { instances, flip };
    }

    /** Until then, their first claims would be `unavailable`: see `dedupClient`. */
    async function dedupReady(instances: Booted[]): Promise<void> {
      await receiver.until(() =>
        instances.every(({ notifier }) => dedupClient(notifier).status === 'ready'),
      );
    }

    /** Transitions an instance has asked Redis about and had an answer for, whatever it was. */
    async function claims(instance: Booted): Promise<number> {
      const samples = select(parseMetrics(await instance.registry.metrics()), W.dedup);
      return samples.reduce((sum, sample) => sum + sample.value, 0);
    }

    /**
     * Each instance observes the same status in turn, the next one once the previous one has
     * had Redis' answer for both of its transitions (the system's and the component's). A fixed
     * few ms raced that answer under load: the next instance could then claim the second
     * transition first, and two instances' deliveries reach the receiver in either order.
     */
    async function observe(instances: Booted[], flip: Switch[], status: HealthStatus) {
      for (const [i, instance] of instances.entries()) {
        const before = await claims(instance);
        flip[i].status = status;
        await instance.evaluate();
        await receiver.until(async () => (await claims(instance)) === before + 2);
      }
    }

    it('announces each transition once across three instances', async () => {
      const { instances, flip } = await fleet('fleet');
      for (const status of [D, U, H]) await observe(instances, flip, status);
      await receiver.until(() => receiver.delivered().length === 6);
      const total = (read: (s: WebhookStats) => number) =>
        instances.reduce((sum, i) => sum + read(i.stats()), 0);
      await receiver.until(() => total((s) => s.delivered) === 6);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(transitions(receiver.delivered())).toEqual([
        'overall:healthy->degraded',
        'payments:healthy->degraded',
        'overall:degraded->unhealthy',
        'payments:degraded->unhealthy',
        'overall:unhealthy->healthy',
        'payments:unhealthy->healthy',
      ]);
      expect(total((s) => s.delivered)).toBe(6);
      expect(total((s) => s.duplicates)).toBe(12);
      expect(total((s) => s.dedupUnavailable)).toBe(0);
      let claimed = 0;
      for (const instance of instances) {
        const samples = parseMetrics(await instance.registry.metrics());
        claimed += valueOf(samples, W.dedup, { result: 'claimed' }) ?? 0;
      }
      expect(claimed).toBe(6);
    });

    it('announces anyway, from every instance, when Redis is down, and counts it', async () => {
      const { instances, flip } = await fleet('fleet-down');
      await redis.kill();
      try {
        await observe(instances, flip, U);
        await receiver.until(() => instances.every((i) => i.stats().delivered === 2));
        for (const instance of instances) {
          expect(instance.stats()).toMatchObject({ dedupUnavailable: 2, delivered: 2 });
        }
        // Nest's Logger writes to the logger of the app created last.
        expect(instances[2].logger.text).toContain('Webhook de-duplication unavailable');
      } finally {
        await redis.restart();
      }
    });
  });

  describe('in the host service, configured from the environment', () => {
    const variables = {
      HEALTH_WEBHOOK_URLS: '',
      HEALTH_WEBHOOK_SECRET: SECRET,
      HEALTH_WEBHOOK_MIN_CONSECUTIVE: '1',
      HEALTH_SERVICE_NAME: 'api-e2e',
    };

    /** What a test sets besides `variables`. */
    const others = [
      'HEALTH_WEBHOOK_DEDUP',
      'HEALTH_WEBHOOK_COOLDOWN_MS',
      'REDIS_URL',
      'HEALTH_CHECK_ENABLED_COMPONENTS',
      'HEALTH_CHECK_RETRY_COUNT',
      'HEALTH_EVALUATION_INTERVAL_MS',
    ];

    afterEach(() => {
      for (const name of [...Object.keys(variables), ...others]) delete process.env[name];
    });

    it('serves health_webhook_deliveries_total on /metrics', async () => {
      const app = await createApiApp({ ...variables, HEALTH_WEBHOOK_URLS: receiver.url() });
      apps.push(app);
      await app.get(HealthService).check();
      expect(app.get(WebhookNotifier).enabled).toBe(true);
      const res = await request(app.getHttpServer()).get('/metrics').expect(200);
      const samples = parseMetrics(res.text);
      for (const result of ['delivered', 'failed', 'dropped']) {
        expect(valueOf(samples, W.deliveries, { result })).toBe(0);
      }
    });

    it('announces and logs nothing at startup while the cache is still connecting: no false recovery', async () => {
      const redis = await PrivateRedis.start();
      const logger = new CapturingLogger();
      try {
        const app = await createApiApp(
          {
            ...variables,
            HEALTH_WEBHOOK_URLS: receiver.url(),
            HEALTH_WEBHOOK_COOLDOWN_MS: '0',
            REDIS_URL: redis.url,
            HEALTH_CHECK_ENABLED_COMPONENTS: 'cache',
            HEALTH_EVALUATION_INTERVAL_MS: '100',
          },
          logger,
        );
        apps.push(app);
        const health = app.get(HealthService);
        // The first evaluation ran at bootstrap, before the client connected; then it settles.
        await receiver.until(() => health.settled && health.getLastStatus('cache')?.status === H);
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(receiver.requests).toEqual([]);
        expect(logger.text).not.toMatch(/cache: \w+ -> healthy/);
        // A real change after startup is still announced and logged.
        await redis.kill();
        await receiver.until(() => receiver.delivered().length === 2, 10_000);
        expect(logger.text).toMatch(/cache: healthy -> degraded/);
      } finally {
        await redis.stop();
      }
    });

    it("de-duplicates through the template's REDIS_URL with HEALTH_WEBHOOK_DEDUP=redis", async () => {
      const redis = await PrivateRedis.start();
      try {
        const app = await createApiApp({
          ...variables,
          HEALTH_WEBHOOK_URLS: receiver.url(),
          HEALTH_WEBHOOK_COOLDOWN_MS: '0',
          HEALTH_WEBHOOK_DEDUP: 'redis',
          REDIS_URL: redis.url,
          HEALTH_CHECK_ENABLED_COMPONENTS: 'cache',
          HEALTH_CHECK_RETRY_COUNT: '0',
          // The test evaluates: none while the notifier's client reconnects.
          HEALTH_EVALUATION_INTERVAL_MS: '0',
        });
        apps.push(app);
        const health = app.get(HealthService);
        const notifier = app.get(WebhookNotifier);
        const status = async () => (await health.check()).overall_status;
        await receiver.until(async () => (await status()) === H);
        // Redis goes: the cache check says so, and that change is announced all the same.
        await redis.kill();
        await receiver.until(async () => (await status()) !== H);
        const down = () => transitions(receiver.delivered()).includes('cache:healthy->degraded');
        await receiver.until(down);
        const unavailable = notifier.stats().dedupUnavailable;
        expect(unavailable).toBeGreaterThanOrEqual(2);
        const seen = receiver.requests.length;
        // Redis is back (empty): once both clients are, the recovery is claimed in that Redis.
        await redis.restart();
        await receiver.until(() => dedupClient(notifier).status === 'ready', 10_000);
        await receiver.until(async () => (await health.checkComponent('cache')).status === H);
        expect(await status()).toBe(H);
        await receiver.until(() => receiver.requests.length === seen + 2);
        const recovery = receiver.requests.slice(seen);
        expect(transitions(recovery.map((r) => r.event))).toEqual([
          'overall:degraded->healthy',
          'cache:degraded->healthy',
        ]);
        expect(recovery.every((r) => r.verified && r.event.service === 'api-e2e')).toBe(true);
        const direct = new Redis(redis.url);
        try {
          const key = 'health:webhook:api-e2e:component:cache:degraded->healthy';
          expect(await direct.get(key)).toBe(recovery[1].event.id);
        } finally {
          direct.disconnect();
        }
        expect(notifier.stats().dedupUnavailable).toBe(unavailable);
      } finally {
        await redis.stop();
      }
    });
  });
});
