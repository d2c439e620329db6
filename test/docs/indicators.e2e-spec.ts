// The examples of docs/indicators/*.md, run against real things (the test PostgreSQL, the
// machine's MariaDB and Redis, a fake Gemini, a memcached and a payments API on loopback; the
// Terminus app in test/docs/examples.e2e-spec.ts): each
// ```ts block of those pages is an excerpt of this file or of a file of docs/examples/indicators,
// which this file boots.
import { CacheIndicator, HealthModule, HealthService, HealthStatus } from '@nest-health/core';
import { RuntimeIndicator } from '@nest-health/core';
import { HealthTerminusModule, terminusWriter } from '@nest-health/core/terminus';
import { CircuitBreakerRegistry, ResilienceIndicator } from '@nest-health/core/resilience';
import type { INestApplication } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { ConsecutiveBreaker } from 'cockatiel';
import Redis from 'ioredis';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createTcpServer } from 'node:net';
import request from 'supertest';
import { FakeGemini } from '../support/fake-gemini';
import { testDatabase } from '../support/postgres';
import { testServerUrl } from '../support/brokers';
import { eventually } from '../support/eventually';

jest.setTimeout(30_000);

let app: INestApplication | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const env = { ...process.env };
afterEach(() => (process.env = { ...env }));

async function boot(imports: unknown[], providers: unknown[] = []): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: imports as never[],
    providers: providers as never[],
  }).compile();
  app = await moduleRef.createNestApplication().init();
  return app;
}

const component = async (name: string) =>
  (await app!.get(HealthService).check()).components.find((c) => c.name === name);

async function listen(server: Server | ReturnType<typeof createTcpServer>): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

// ---------------------------------------------------------------- ai-model.md

describe('the AI model indicator, registered from the environment', () => {
  let gemini: FakeGemini;
  beforeAll(async () => (gemini = await FakeGemini.start()));
  afterAll(() => gemini.stop());

  it('reports the model configured, without a request to the provider', async () => {
    Object.assign(process.env, {
      GEMINI_API_KEY: 'gemini-key-3f9a2c',
      AI_MODEL: 'gemini-2.0-flash',
      GEMINI_BASE_URL: gemini.baseUrl,
    });
    const { AppModule } = await import('../../docs/examples/indicators/ai-model.module');
    await boot([AppModule]);
    expect(await component('ai_model')).toMatchObject({
      status: HealthStatus.HEALTHY,
      message: 'AI model configured',
    });
    expect(gemini.requests).toEqual([]);
  });
});

// ---------------------------------------------------------------- cache.md

describe('the cache indicator', () => {
  it('judges the figures of stats with thresholds', async () => {
    const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true });
    await redis.connect();
    const figures = {
      hit_ratio: 0.42,
      hits: 42,
      misses: 58,
      mean_operation_ms: 3,
      operations_tracked: 100,
    };
    const monitor = { stats: () => figures }; // your cache's own monitor

    const cache = new CacheIndicator({
      redis,
      stats: () => monitor.stats(),
      thresholds: { minHitRatio: 0.8, maxAverageOperationMs: 25, minOperations: 100 },
    });

    await boot([HealthModule.forRoot({ checks: [cache] })]);
    const status = await component('cache');
    await redis.quit();
    expect(status).toMatchObject({
      status: HealthStatus.DEGRADED,
      message: expect.stringMatching(/^Cache hit ratio 0.42 is below the threshold of 0.8/),
    });
  });

  it("checks the app's Redis of REDIS_URL", async () => {
    process.env.REDIS_URL = 'redis://127.0.0.1:6379';
    const { AppModule, closeRedis } = await import('../../docs/examples/indicators/cache.module');
    await boot([AppModule]);
    const status = await eventually(() => component('cache'), {
      until: (cache) => cache?.metadata?.backend === 'redis', // once the client has connected
    });
    closeRedis();
    expect(status).toMatchObject({
      status: HealthStatus.HEALTHY,
      message: 'Redis cache operational',
      metadata: expect.objectContaining({ backend: 'redis', entries: 42 }),
    });
  });

  it('runs a custom indicator for memcached', async () => {
    let answer = 'VERSION 1.6.21\r\n';
    const memcached = createTcpServer((socket) =>
      socket.on('data', () => socket.end(answer)).on('error', () => undefined),
    );
    process.env.MEMCACHED_PORT = String(await listen(memcached));
    const { MemcachedIndicator } =
      await import('../../docs/examples/indicators/memcached.indicator');
    const { MemcachedClient } = await import('../../docs/examples/indicators/memcached.client');
    await boot([HealthModule.forRoot()], [MemcachedClient, MemcachedIndicator]);
    expect(await component('memcached')).toMatchObject({
      status: HealthStatus.HEALTHY,
      message: 'Memcached reachable',
      metadata: expect.objectContaining({ backend: 'memcached' }),
    });
    answer = 'SERVER_ERROR out of memory\r\n';
    expect(await component('memcached')).toMatchObject({ status: HealthStatus.UNHEALTHY });
    memcached.close();
  });
});

// ---------------------------------------------------------------- database.md

describe('the database indicators', () => {
  it('pings PostgreSQL with createPostgresIndicator', async () => {
    process.env.DATABASE_URL = testDatabase().url;
    const { AppModule } = await import('../../docs/examples/indicators/postgres.module');
    await boot([AppModule]);
    expect(await component('database')).toMatchObject({
      status: HealthStatus.HEALTHY,
      metadata: expect.objectContaining({ driver: 'postgres' }),
    });
    await request(app!.getHttpServer()).get('/v1/health/ready').expect(200);
  });

  it('pings PostgreSQL from a provider that extends DatabaseIndicator', async () => {
    process.env.ORDERS_DB_URL = testDatabase().url;
    const { OrdersDatabaseIndicator } =
      await import('../../docs/examples/indicators/orders-database.indicator');
    await boot([ConfigModule.forRoot(), HealthModule.forRoot()], [OrdersDatabaseIndicator]);
    expect(await component('orders_db')).toMatchObject({ status: HealthStatus.HEALTHY });
  });

  it('pings MySQL / MariaDB with mysql2', async () => {
    process.env.MYSQL_URL = testServerUrl('mysql'); // TEST_MYSQL_URL, or the machine's MariaDB
    const { mysqlIndicator } = await import('../../docs/examples/indicators/mysql.indicator');
    await boot([HealthModule.forRoot({ checks: [mysqlIndicator] })]);
    expect(await component('database')).toMatchObject({
      status: HealthStatus.HEALTHY,
      metadata: expect.objectContaining({ driver: 'mysql' }),
    });
    await mysqlIndicator.onModuleDestroy();
  });

  it('ends a MongoDB ping against an unreachable server after serverSelectionTimeoutMS', async () => {
    const closed = createTcpServer();
    const port = await listen(closed);
    await new Promise((resolve) => closed.close(resolve)); // nothing listens there now
    process.env.MONGO_URL = `mongodb://127.0.0.1:${port}/?directConnection=true`;
    const { mongoIndicator } = await import('../../docs/examples/indicators/mongo.indicator');
    await boot([
      HealthModule.forRoot({
        checks: [mongoIndicator],
        components: { database: { timeoutMs: 10_000 } },
        retries: 0,
      }),
    ]);
    const status = await component('database');
    expect(status).toMatchObject({ status: HealthStatus.UNHEALTHY });
    expect(status?.message).toMatch(/^database check failed: .*(ECONNREFUSED|Server selection)/);
    await mongoIndicator.onModuleDestroy();
  });
});

// ---------------------------------------------------------------- resilience.md

describe('the resilience indicator', () => {
  let payments: Server;
  let answer = 500;

  beforeAll(async () => {
    payments = createServer((_req, res) => res.writeHead(answer).end());
    process.env.PAYMENTS_URL = `http://127.0.0.1:${await listen(payments)}`;
    env.PAYMENTS_URL = process.env.PAYMENTS_URL;
  });
  afterAll(() => payments.close());

  it('grades open breakers as told', async () => {
    const breakers = new CircuitBreakerRegistry();
    for (const name of ['a', 'b', 'c']) {
      breakers.create(name, { halfOpenAfterMs: 30_000, breaker: new ConsecutiveBreaker(1) });
    }

    const resilience = new ResilienceIndicator(breakers, {
      degradedWhenOpen: 1,
      unhealthyWhenOpen: 3,
    });

    await boot([HealthModule.forRoot({ checks: [resilience] })]);
    const statuses = [];
    for (const name of ['a', 'b', 'c']) {
      await breakers.execute(name, () => Promise.reject(new Error('down'))).catch(() => undefined);
      statuses.push((await component('resilience'))?.status);
    }
    expect(statuses).toEqual([
      HealthStatus.DEGRADED,
      HealthStatus.DEGRADED,
      HealthStatus.UNHEALTHY,
    ]);
  });

  it.each([
    ['docs/examples/indicators/resilience.module.ts'],
    ['docs/examples/indicators/resilience-for-root.module.ts'],
  ])('%s opens the payments breaker after 5 failures in a row', async (path) => {
    const file = `../../${path.replace(/\.ts$/, '')}`;
    const { AppModule } = (await import(file)) as { AppModule: new () => unknown };
    const { PaymentsClient } = await import('../../docs/examples/indicators/resilience.module');
    await boot([AppModule]);
    const client = app!.get(PaymentsClient);
    answer = 500;
    for (let i = 0; i < 5; i++) await expect(client.charge('o-1')).rejects.toThrow('500');
    await expect(client.charge('o-1')).rejects.toThrow(/open|isolated|broken/i);
    expect(await component('resilience')).toMatchObject({ status: HealthStatus.DEGRADED });
  });
});

// ---------------------------------------------------------------- runtime.md

describe('the runtime indicator', () => {
  it('takes its thresholds at construction', async () => {
    const runtime = new RuntimeIndicator({
      eventLoopDelayDegradedMs: 200,
      heapUsedUnhealthyRatio: 0.9,
    });
    expect((await runtime.check()).metadata).toMatchObject({
      event_loop_delay_degraded_ms: 200,
      heap_used_unhealthy_ratio: 0.9,
    });
    runtime.onModuleDestroy();
  });

  it('is a check of the module, closed on shutdown', async () => {
    const runtime = new RuntimeIndicator({ eventLoopDelayDegradedMs: 200 });
    const health = HealthModule.forRoot({
      checks: [runtime],
      components: { runtime: { critical: false } },
    });
    await boot([health]);
    expect(await component('runtime')).toMatchObject({ status: HealthStatus.HEALTHY });
    await app!.close();
    app = undefined;
    runtime.onModuleDestroy(); // on shutdown
  });
});

// ---------------------------------------------------------------- terminus.md

describe("Terminus's indicators", () => {
  it('are served where HealthTerminusModule is told', async () => {
    const checks = [{ name: 'payments', check: () => ({ status: HealthStatus.HEALTHY }) }];
    await boot([
      HealthModule.forRoot({ checks }),
      HealthTerminusModule.forRoot({ path: 'health', tags: ['ready'] }),
    ]);
    await request(app!.getHttpServer()).get('/health').expect(200);
  });

  it('answer by content negotiation with terminusWriter', async () => {
    const checks = [{ name: 'payments', check: () => ({ status: HealthStatus.HEALTHY }) }];
    await boot([HealthModule.forRoot({ checks, writers: [terminusWriter] })]);
    // GET /v1/health/components with Accept: application/vnd.nestjs-terminus+json
    const { body } = await request(app!.getHttpServer())
      .get('/v1/health/components')
      .set('Accept', 'application/vnd.nestjs-terminus+json')
      .expect(200)
      .expect('Content-Type', 'application/vnd.nestjs-terminus+json; charset=utf-8');
    expect(body).toMatchObject({ status: 'ok', info: { payments: { status: 'up' } } });
  });
});
