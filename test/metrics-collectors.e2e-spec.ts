import { HealthService } from '@nest-health/core';
import type { Sample } from '@nest-health/core/testing';
import {
  parseMetrics,
  metricSamples as select,
  metricValue as valueOf,
} from '@nest-health/core/testing';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { CacheService } from '../apps/api/src/cache/cache.service';
import { BREAKER_NAMES } from '../apps/api/src/resilience/resilience-presets';

const SENTIMENT_BREAKER = BREAKER_NAMES.sentiment;
import {
  CACHE_METRIC_NAMES as CACHE,
  CIRCUIT_BREAKER_METRIC_NAMES as BREAKER,
} from '../libs/health/src/formats/metric-names';
import { createApiApp } from './support/api-app';
import { eventually } from './support/eventually';
import { FakeGemini, answer, status } from './support/fake-gemini';
import { PrivateRedis } from './support/redis-server';

const GEMINI_API_KEY = 'AIza-collectors-e2e-secret';

async function scrape(app: INestApplication): Promise<Sample[]> {
  return parseMetrics((await request(app.getHttpServer()).get('/metrics').expect(200)).text);
}

/** The state at 1 in the breaker's StateSet, checking that every state has its series. */
function breakerState(samples: Sample[], breaker: string): string {
  const group = select(samples, BREAKER.state, { breaker });
  expect(group.map((s) => s.labels.state).sort()).toEqual([
    'closed',
    'half_open',
    'isolated',
    'open',
  ]);
  const on = group.filter((s) => s.value === 1);
  expect(on).toHaveLength(1);
  return on[0].labels.state;
}

describe('cache and circuit breaker metrics in GET /metrics (apps/api, real Redis, real breaker)', () => {
  describe('the cache, with a Redis of the test’s own', () => {
    let redis: PrivateRedis;
    let app: INestApplication;
    let cache: CacheService;

    beforeAll(async () => {
      redis = await PrivateRedis.start();
    });

    afterAll(async () => {
      await redis.stop();
    });

    beforeEach(async () => {
      app = await createApiApp({
        GEMINI_API_KEY,
        REDIS_URL: redis.url,
        REDIS_COMMAND_TIMEOUT_MS: '200',
      });
      cache = app.get(CacheService);
      await eventually(async () => cache.backend, { until: (backend) => backend === 'redis' });
    });

    afterEach(async () => {
      redis.resume();
      await app.close();
      await redis.kill();
      await redis.restart();
    });

    const figures = async () => {
      const samples = await scrape(app);
      return {
        samples,
        redisHits: valueOf(samples, CACHE.hits, { tier: 'redis' }),
        memoryHits: valueOf(samples, CACHE.hits, { tier: 'memory' }),
        redisMisses: valueOf(samples, CACHE.misses, { tier: 'redis' }),
        memoryMisses: valueOf(samples, CACHE.misses, { tier: 'memory' }),
        fallback: valueOf(samples, CACHE.memoryFallbackActive),
      };
    };

    it('counts Redis hits and misses and times them while Redis serves', async () => {
      expect(await figures()).toMatchObject({
        redisHits: 0,
        memoryHits: 0,
        redisMisses: 0,
        memoryMisses: 0,
        fallback: 0,
      });
      await cache.set('greeting', 'hello', 60_000);
      expect(await cache.get('greeting')).toBe('hello');
      expect(await cache.get('greeting')).toBe('hello');
      expect(await cache.get('absent')).toBeUndefined();
      const now = await figures();
      expect(now).toMatchObject({ redisHits: 2, memoryHits: 0, redisMisses: 1, fallback: 0 });
      const count = (operation: string, tier: string) =>
        valueOf(now.samples, `${CACHE.operationDuration}_count`, { operation, tier });
      expect([count('hit', 'redis'), count('miss', 'redis'), count('write', 'redis')]).toEqual([
        2, 1, 1,
      ]);
      expect(count('hit', 'memory')).toBe(0);
      expect(
        valueOf(now.samples, `${CACHE.operationDuration}_sum`, { operation: 'hit', tier: 'redis' }),
      ).toBeGreaterThan(0);
    });

    it('kill Redis: the fallback gauge goes to 1 and memory hits rise; Redis back: 0 again', async () => {
      await cache.set('k', 'in redis', 60_000);
      expect(await cache.get('k')).toBe('in redis');
      const before = await figures();
      expect(before).toMatchObject({ redisHits: 1, memoryHits: 0, fallback: 0 });

      await redis.kill();
      await eventually(figures, { until: (f) => f.fallback === 1 });
      await cache.set('k', 'in memory', 60_000);
      for (let i = 0; i < 3; i++) expect(await cache.get('k')).toBe('in memory');
      const down = await figures();
      expect(down).toMatchObject({ fallback: 1, memoryHits: 3, redisHits: 1 });
      // The cache component says so too: the metrics and the health report agree.
      await request(app.getHttpServer()).get('/v1/health').expect(200);
      expect(app.get(HealthService).getLastStatus('cache')?.status).toBe('degraded');

      await redis.restart();
      await eventually(async () => cache.backend, { until: (backend) => backend === 'redis' });
      expect((await figures()).fallback).toBe(0);
      // A killed Redis kept nothing (no persistence): write again, read from Redis.
      await cache.set('k', 'back in redis', 60_000);
      expect(await cache.get('k')).toBe('back in redis');
      expect(await figures()).toMatchObject({ redisHits: 2, memoryHits: 3, fallback: 0 });
    });

    it('a hung Redis (SIGSTOP): operations time out onto memory and the gauge says so', async () => {
      await cache.set('k', 'v', 60_000);
      redis.pause();
      // Redis still looks ready: the command timeout sends the operation to memory.
      await cache.set('k', 'memory copy', 60_000);
      expect(await cache.get('k')).toBe('memory copy');
      const hung = await figures();
      expect(hung).toMatchObject({ fallback: 1, memoryHits: 1 });
      redis.resume();
      // Once Redis answers an operation again, it serves and the gauge goes back to 0.
      await eventually(
        async () => {
          await cache.get('k');
          return (await figures()).fallback;
        },
        { until: (fallback) => fallback === 0 },
      );
    });

    it('never puts a key, a value or the Redis URL in the scrape', async () => {
      await cache.set('user:42:session', 'secret-session-value', 60_000);
      await cache.get('user:42:session');
      const text = (await request(app.getHttpServer()).get('/metrics').expect(200)).text;
      for (const leak of ['user:42', 'secret-session-value', redis.url, String(redis.port)]) {
        expect(text).not.toContain(leak);
      }
      const tiers = new Set(
        parseMetrics(text)
          .filter((s) => s.name.startsWith('cache_'))
          .map((s) => s.labels.tier),
      );
      expect([...tiers].sort()).toEqual(['memory', 'redis']);
    });
  });

  describe('the circuit breaker in front of the AI provider', () => {
    let provider: FakeGemini;
    let app: INestApplication;

    beforeEach(async () => {
      provider = await FakeGemini.start();
      app = await createApiApp({
        GEMINI_API_KEY,
        GEMINI_BASE_URL: provider.baseUrl,
        // One call per request: each failure is one the breaker counts.
        RESILIENCE_CUSTOM_CONFIG: '{"retry_attempts": 1}',
      });
      await app.get(HealthService).check();
    });

    afterEach(async () => {
      await app.close();
      await provider.stop();
    });

    let sent = 0;
    // A new text each time: an answer once given is cached, and would answer again.
    const post = () =>
      request(app.getHttpServer())
        .post('/v1/text_processing/process')
        .send({ text: `hello ${++sent}`, operation: 'sentiment' });

    it('real provider failures open the breaker: its StateSet says open, the counters count', async () => {
      provider.reply = answer('positive');
      await post().expect(200);
      let samples = await scrape(app);
      expect(breakerState(samples, SENTIMENT_BREAKER)).toBe('closed');
      expect(valueOf(samples, BREAKER.successes, { breaker: SENTIMENT_BREAKER })).toBe(1);
      expect(valueOf(samples, BREAKER.failures, { breaker: SENTIMENT_BREAKER })).toBe(0);

      provider.reply = status(500);
      for (let i = 0; i < 5; i++) await post().expect(502);
      await post().expect(503);
      await post().expect(503);
      samples = await scrape(app);
      expect(breakerState(samples, SENTIMENT_BREAKER)).toBe('open');
      expect({
        failures: valueOf(samples, BREAKER.failures, { breaker: SENTIMENT_BREAKER }),
        rejections: valueOf(samples, BREAKER.rejections, { breaker: SENTIMENT_BREAKER }),
        breaks: valueOf(samples, BREAKER.breaks, { breaker: SENTIMENT_BREAKER }),
        successes: valueOf(samples, BREAKER.successes, { breaker: SENTIMENT_BREAKER }),
      }).toEqual({ failures: 5, rejections: 2, breaks: 1, successes: 1 });
      expect(provider.requests).toHaveLength(6);
      // The breaker labels are the registered breakers' names, one per operation; only
      // sentiment's opened.
      expect(new Set(select(samples, BREAKER.state).map((s) => s.labels.breaker))).toEqual(
        new Set(Object.values(BREAKER_NAMES)),
      );
      expect(breakerState(samples, BREAKER_NAMES.summarize)).toBe('closed');
      expect(
        samples.some((s) => Object.values(s.labels).some((v) => v.includes(GEMINI_API_KEY))),
      ).toBe(false);
    });
  });
});
