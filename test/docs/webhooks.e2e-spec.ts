// The examples of docs/webhooks.md, run against a real receiver (and a TLS Redis of the test's
// own): each ```ts block of the guide is an excerpt of this file or of
// docs/examples/webhooks.module.ts, which this file boots.
import { HealthModule, HealthService, HealthStatus } from '@nest-health/core';
import type { WebhookStats } from '@nest-health/core/webhooks';
import { HealthWebhooksModule, WebhookNotifier } from '@nest-health/core/webhooks';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type Redis from 'ioredis';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CertificateFiles, TestCa } from '../support/tls';
import { TestCertificates, TlsRedis } from '../support/tls';
import { WebhookReceiver } from '../support/webhook-receiver';

const SECRET = 'whsec_4f1c0e3b9a';
let receiver: WebhookReceiver;
let app: INestApplication | undefined;
const env = { ...process.env };

beforeAll(async () => {
  receiver = await WebhookReceiver.start(SECRET);
});
afterAll(() => receiver.stop());
beforeEach(() => {
  process.env.OPS_WEBHOOK_URL = receiver.url();
  process.env.HEALTH_WEBHOOK_SECRET = SECRET;
});
afterEach(async () => {
  await app?.close();
  app = undefined;
  process.env = { ...env };
  receiver.requests.splice(0);
});

/** Every event sent: the notifier has nothing pending, and the receiver has them all. */
async function sent(app: INestApplication): Promise<WebhookStats> {
  const notifier = app.get(WebhookNotifier);
  await receiver.until(
    () =>
      notifier.stats().pending === 0 &&
      notifier.stats().delivered > 0 &&
      receiver.delivered().length === notifier.stats().delivered,
  );
  return notifier.stats();
}

/** The overall transition to unhealthy, among the events delivered. */
const overallDown = expect.arrayContaining([
  expect.objectContaining({ component: null, previous: 'healthy', current: 'unhealthy' }),
]);

/** A `queue` check that fails from now on, evaluated `times` times: one transition. */
async function queueFails(health: HealthService, times: number): Promise<void> {
  health.register({ name: 'queue', check: () => ({ status: HealthStatus.HEALTHY }) });
  await health.check(); // the baseline
  health.register(
    { name: 'queue', check: () => ({ status: HealthStatus.UNHEALTHY }) },
    { replace: true },
  );
  for (let i = 0; i < times; i++) await health.check();
}

describe('the app of the guide', () => {
  it('sends a signed event after three evaluations that agree', async () => {
    const { AppModule } = await import('../../docs/examples/webhooks.module');
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = await moduleRef.createNestApplication().init();
    await queueFails(app.get(HealthService), 2);
    expect(app.get(WebhookNotifier).stats().delivered).toBe(0);
    await app.get(HealthService).check();
    await sent(app);
    expect(receiver.requests.every((request) => request.verified)).toBe(true);
    expect(receiver.delivered()).toEqual(overallDown);
  });

  it('takes its options from the environment in the other form', async () => {
    process.env.HEALTH_WEBHOOK_URLS = receiver.url();
    process.env.HEALTH_WEBHOOK_MIN_CONSECUTIVE = '1';
    const { AppModuleFromEnv } = await import('../../docs/examples/webhooks.module');
    const moduleRef = await Test.createTestingModule({ imports: [AppModuleFromEnv] }).compile();
    app = await moduleRef.createNestApplication().init();
    await queueFails(app.get(HealthService), 1);
    await sent(app);
    expect(receiver.delivered()).toEqual(overallDown);

    const stats = app.get(WebhookNotifier).stats();
    // { delivered: 12, failed: 1, dropped: 0, pending: 0, duplicates: 4, dedupUnavailable: 0 }
    expect(stats).toMatchObject({ delivered: receiver.delivered().length, failed: 0, dropped: 0 });
  });
});

describe('bounded queues', () => {
  it('take a queue size and a byte bound per URL', async () => {
    const checks = [{ name: 'payments', check: () => ({ status: HealthStatus.HEALTHY }) }];
    const moduleRef = await Test.createTestingModule({
      imports: [
        HealthModule.forRoot({ checks }),
        HealthWebhooksModule.forRoot({
          urls: [process.env.OPS_WEBHOOK_URL!],
          secret: process.env.HEALTH_WEBHOOK_SECRET,
          queueSize: 1000, // events waiting per URL
          queueBytes: 512 * 1024, // and at most 512 KiB of their bodies
        }),
      ],
    }).compile();
    app = await moduleRef.createNestApplication().init();
    await queueFails(app.get(HealthService), 3);
    expect(await sent(app)).toMatchObject({ failed: 0, dropped: 0 });
    expect(receiver.delivered()).toEqual(overallDown);
  });
});

describe('de-duplication in a TLS Redis with a password', () => {
  const REDIS_PASSWORD = 'dedup-secret-2b7e';
  let certs: TestCertificates;
  let ca: TestCa;
  let client: CertificateFiles;
  let redis: TlsRedis;

  beforeAll(async () => {
    certs = new TestCertificates();
    ca = certs.ca('ca');
    client = certs.client('client', ca);
    redis = await TlsRedis.start({
      server: certs.server('server', ca),
      ca,
      client,
      password: REDIS_PASSWORD,
      authClients: 'optional',
    });
  }, 20_000);

  afterAll(async () => {
    await redis?.stop();
    certs?.remove();
  });

  it('claims each transition once', async () => {
    process.env.REDIS_PASSWORD = REDIS_PASSWORD;
    process.env.REDIS_CA_PATH = join(certs.dir, 'redis-ca.crt');
    writeFileSync(process.env.REDIS_CA_PATH, readFileSync(ca.cert));
    const checks = [{ name: 'payments', check: () => ({ status: HealthStatus.HEALTHY }) }];
    const moduleRef = await Test.createTestingModule({
      imports: [
        HealthModule.forRoot({ checks }),
        HealthWebhooksModule.forRoot({
          urls: [process.env.OPS_WEBHOOK_URL!],
          secret: process.env.HEALTH_WEBHOOK_SECRET,
          dedup: 'redis',
          redisUrl: `rediss://localhost:${redis.port}`, // rediss://redis.internal:6380
          redisOptions: {
            password: process.env.REDIS_PASSWORD,
            tls: { ca: readFileSync(process.env.REDIS_CA_PATH, 'utf8') },
          },
        }),
      ],
    }).compile();
    app = await moduleRef.createNestApplication().init();
    // A claim before the client is connected is `unavailable` (nothing is queued offline); no
    // public signal says when it is, so this reads the notifier's client, as webhooks.e2e does.
    const dedup = (app.get(WebhookNotifier) as unknown as { dedup: { redis: Redis } }).dedup;
    await receiver.until(() => dedup.redis.status === 'ready');
    await queueFails(app.get(HealthService), 3);
    expect(await sent(app)).toMatchObject({ duplicates: 0, dedupUnavailable: 0 });
    expect(receiver.delivered()).toEqual(overallDown);
    // The claims are in the TLS Redis, reached with its password.
    expect(await dedup.redis.dbsize()).toBeGreaterThan(0);
  });
});
