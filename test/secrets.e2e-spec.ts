import { HealthService } from '@nest-health/core';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { CacheService } from '../apps/api/src/cache/cache.service';
import { CapturingLogger, createApiApp } from './support/api-app';
import { eventually } from './support/eventually';
import { FakeGemini } from './support/fake-gemini';
import { PrivateRedis, freePort } from './support/redis-server';

const AI_KEY = 'AIza-secret-key-93';
const API_KEY = 'svc-secret-key-94';
const REDIS_PASSWORD = 'redis-Pa55-word-91';
const DB_PASSWORD = 'db-Pa55-word-92';
const SECRETS = [AI_KEY, API_KEY, REDIS_PASSWORD, DB_PASSWORD];

describe('no secret in any response, log line or metadata', () => {
  let redis: PrivateRedis;
  let provider: FakeGemini;
  let app: INestApplication;
  const written: string[] = [];

  beforeAll(async () => {
    redis = await PrivateRedis.start({ password: REDIS_PASSWORD });
    provider = await FakeGemini.start();
    // A provider that rejects the key and echoes it back, as real APIs sometimes do.
    provider.reply = (_req, res, seen) => {
      res.statusCode = 401;
      res.end(JSON.stringify({ error: { message: `API key not valid: ${seen.apiKey}` } }));
    };
  });

  afterAll(async () => {
    await provider.stop();
    await redis.stop();
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await app?.close();
  });

  function captureProcessOutput(): void {
    for (const stream of [process.stdout, process.stderr]) {
      const write = stream.write.bind(stream);
      jest.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: never[]) => {
        written.push(String(chunk));
        return write(chunk as string, ...rest);
      }) as typeof stream.write);
    }
  }

  it('with a key, a Redis password, a database password and an API key configured, none leaks', async () => {
    captureProcessOutput();
    const logger = new CapturingLogger();
    const closedPort = await freePort();
    app = await createApiApp(
      {
        GEMINI_API_KEY: AI_KEY,
        API_KEY,
        GEMINI_BASE_URL: provider.baseUrl,
        HEALTH_CHECK_AI_MODEL_PROBE: 'true',
        REDIS_URL: redis.url,
        DATABASE_URL: `postgres://postgres:${DB_PASSWORD}@127.0.0.1:${closedPort}/test`,
        HEALTH_CHECK_RETRY_COUNT: '0',
        HEALTH_CHECK_TIMEOUT_MS: '500',
      },
      logger,
    );
    const health = app.get(HealthService);
    const cache = app.get(CacheService);
    await eventually(() => cache.backend === 'redis', { intervalMs: 20, message: 'Redis ready' });
    // A careless custom check whose errors quote every secret and connection string.
    health.register({
      name: 'careless',
      check: () => {
        throw new Error(
          `failed with ${AI_KEY} ${API_KEY} redis://default:${REDIS_PASSWORD}@x postgres://u:${DB_PASSWORD}@y`,
        );
      },
    });
    const server = app.getHttpServer();
    const seen: string[] = [];

    seen.push((await request(server).get('/v1/health').expect(200)).text);
    const report = await health.check();
    seen.push(JSON.stringify(report));
    seen.push(
      (
        await request(server)
          .post('/v1/text_processing/process')
          .set('authorization', `Bearer ${API_KEY}`)
          .send({ text: 'hello', operation: 'summarize' })
          .expect(503)
      ).text,
    );
    seen.push(
      (
        await request(server)
          .post('/v1/text_processing/process')
          .set('x-api-key', `${API_KEY}-wrong`)
          .send({ text: 'hello', operation: 'summarize' })
          .expect(401)
      ).text,
    );

    // Real faults make components log: Redis dies, the cache falls back and says so.
    await redis.kill();
    await eventually(() => logger.text.includes('Redis unavailable, serving from memory'), {
      intervalMs: 20,
      message: 'the cache to log that Redis is unavailable',
    });
    await cache.set('k', 'v', 1000);
    seen.push((await request(server).get('/v1/health').expect(200)).text);
    seen.push(JSON.stringify(await health.check()));
    await app.close();
    await redis.restart();

    // The failures really happened, so the assertions below are not vacuous.
    const byName = Object.fromEntries(report.components.map((c) => [c.name, c]));
    expect(byName.ai_model).toMatchObject({
      status: 'unhealthy',
      message: 'API key rejected (HTTP 401)',
    });
    expect(byName.database.status).toBe('unhealthy');
    expect(byName.careless.message).toContain('redis://default:***@x');
    expect(logger.text).toContain('Redis unavailable, serving from memory');
    expect(provider.requests.length).toBeGreaterThan(0);

    const everything = [...seen, logger.text, written.join('')].join('\n');
    for (const secret of SECRETS) {
      expect(everything).not.toContain(secret);
      expect(everything).not.toContain(encodeURIComponent(secret));
    }
  });
});
