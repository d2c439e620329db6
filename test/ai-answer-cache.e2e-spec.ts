import type { Sample } from '@nest-health/core/testing';
import { metricValue, parseMetrics } from '@nest-health/core/testing';
import Redis from 'ioredis';
import { performance } from 'node:perf_hooks';
import { eventually } from './support/eventually';
import type { Reply } from './support/fake-gemini';
import { FakeGemini, answer, status } from './support/fake-gemini';
import { PrivateRedis } from './support/redis-server';
import type { RunningService } from './support/service-process';
import { ServiceProcess } from './support/service-process';

/**
 * Issue 27 on the BUILT service (`dist/apps/api/main.js`): AI answers cached in a Redis of the
 * test's own (with the in-memory fallback), and one circuit breaker per operation, with a fake
 * provider on loopback that counts its calls. The cache and resilience components, and
 * `/metrics`, describe this real traffic.
 */
const KEY = 'AIza-answer-cache-e2e-1234';
const COMMAND_TIMEOUT_MS = 500;
/** A hit during a hung Redis waits one command timeout, then memory answers: far below this. */
const SERVED_WITHIN_MS = COMMAND_TIMEOUT_MS + 1500;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function fakeProvider(): Promise<FakeGemini> {
  const provider = await FakeGemini.start();
  cleanups.push(() => provider.stop());
  return provider;
}

async function privateRedis(): Promise<PrivateRedis> {
  const redis = await PrivateRedis.start();
  cleanups.push(() => redis.stop()); // SIGCONT first: never left stopped
  return redis;
}

async function start(provider: FakeGemini, env: Record<string, string>): Promise<RunningService> {
  const service = await ServiceProcess.start({
    GEMINI_API_KEY: KEY,
    GEMINI_BASE_URL: provider.baseUrl,
    HEALTH_DETAILS: 'always',
    ...env,
  });
  cleanups.push(() => service.kill());
  return service;
}

const post = async (service: RunningService, body: object) => {
  const started = performance.now();
  const res = await fetch(`${service.url}/v1/text_processing/process`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    body: (await res.json()) as Record<string, unknown>,
    ms: performance.now() - started,
  };
};

interface Component {
  name: string;
  status: string;
  message?: string;
  metadata?: Record<string, unknown>;
}

const component = async (service: RunningService, name: string): Promise<Component> => {
  const res = await fetch(`${service.url}/v1/health/components`);
  const report = (await res.json()) as { components: Component[] };
  return report.components.find((c) => c.name === name)!;
};

const scrape = async (service: RunningService): Promise<Sample[]> =>
  parseMetrics(await (await fetch(`${service.url}/metrics`)).text());

/** Answers `text` unless the prompt is for sentiment analysis: then HTTP 500. */
const sentimentFails =
  (text: string): Reply =>
  (req, res, seen) =>
    seen.body.includes('Classify the sentiment')
      ? status(500)(req, res, seen)
      : answer(text)(req, res, seen);

describe('AI answers cached on the built service (issue 27)', () => {
  it('the same request twice: one provider call, cache_hit true, the answer in Redis under a hash', async () => {
    const provider = await fakeProvider();
    const redis = await privateRedis();
    const service = await start(provider, { REDIS_URL: redis.url });
    await eventually(() => component(service, 'cache'), {
      until: (c) => c.metadata?.backend === 'redis',
      message: 'cache on Redis',
    });
    provider.reply = answer('A summary.');
    const text = 'Secret-looking request text 4f1c that must never be a key';
    const first = await post(service, { text, operation: 'summarize' });
    const second = await post(service, { text, operation: 'summarize' });
    expect(first.body).toMatchObject({ result: 'A summary.', cache_hit: false });
    expect(second.body).toMatchObject({ result: 'A summary.', cache_hit: true });
    expect(provider.requests).toHaveLength(1);

    const direct = new Redis(redis.url);
    try {
      const keys = await direct.keys('*');
      expect(keys).toEqual([expect.stringMatching(/^api:cache:ai:v1:[0-9a-f]{64}$/)]);
      expect(JSON.parse((await direct.get(keys[0]))!)).toEqual({ result: 'A summary.' });
      // summarize: 2 hours, the template's TTL.
      const ttl = await direct.pttl(keys[0]);
      expect(ttl).toBeGreaterThan(7_100_000);
      expect(ttl).toBeLessThanOrEqual(7_200_000);
    } finally {
      direct.disconnect();
    }
    expect(service.output()).not.toContain('4f1c');
  });

  it('Redis SIGSTOPped: the second request is served from memory within the command timeout, and cache says so', async () => {
    const provider = await fakeProvider();
    const redis = await privateRedis();
    const service = await start(provider, {
      REDIS_URL: redis.url,
      REDIS_COMMAND_TIMEOUT_MS: String(COMMAND_TIMEOUT_MS),
      HEALTH_CHECK_CACHE_TIMEOUT_MS: '300',
      HEALTH_CHECK_RETRY_COUNT: '0',
      // A miss would wait for the provider, which hangs below: far longer than a hit may take.
      AI_REQUEST_TIMEOUT_MS: '20000',
    });
    await eventually(() => component(service, 'cache'), {
      until: (c) => c.status === 'healthy' && c.metadata?.backend === 'redis',
      message: 'cache healthy on Redis',
    });
    provider.reply = answer('Three key points.');
    const body = { text: 'Text read while Redis hangs', operation: 'key_points' };
    expect((await post(service, body)).body.cache_hit).toBe(false);

    provider.reply = () => undefined; // accepts and never answers
    redis.pause();
    const hit = await post(service, body);
    expect(hit.status).toBe(200);
    expect(hit.body).toMatchObject({ result: 'Three key points.', cache_hit: true });
    expect(hit.ms).toBeLessThan(SERVED_WITHIN_MS);
    expect(provider.requests).toHaveLength(1);

    const cache = await eventually(() => component(service, 'cache'), {
      until: (c) => c.status === 'degraded',
      message: 'cache degraded while Redis hangs',
    });
    expect(cache.message).toBe('cache timed out after 300 ms');
    const samples = await scrape(service);
    expect(metricValue(samples, 'cache_hits_total', { tier: 'memory' })).toBe(1);
    expect(metricValue(samples, 'cache_memory_fallback_active')).toBe(1);

    redis.resume();
    await eventually(() => component(service, 'cache'), {
      until: (c) => c.status === 'healthy',
      timeoutMs: 15_000,
      message: 'cache healthy again after SIGCONT',
    });
  });

  it('real misses and hits: the hit ratio in /v1/health/components and /metrics, judged by HEALTH_CACHE_MIN_HIT_RATIO', async () => {
    const provider = await fakeProvider();
    const service = await start(provider, {
      HEALTH_CACHE_MIN_HIT_RATIO: '0.5',
      HEALTH_CACHE_MIN_OPERATIONS: '6',
    });
    provider.reply = answer('Questions?');
    const ask = (n: number) => post(service, { text: `Text number ${n}`, operation: 'questions' });
    await ask(1);
    await ask(1);
    // 2 reads (a miss, then a hit): too few to judge.
    expect(await component(service, 'cache')).toMatchObject({
      status: 'healthy',
      metadata: { hit_ratio: 0.5, hits: 1, misses: 1 },
    });
    for (let n = 2; n <= 5; n++) await ask(n);
    expect(provider.requests).toHaveLength(5);

    const cache = await component(service, 'cache');
    expect(cache).toMatchObject({
      status: 'degraded',
      metadata: { hit_ratio: 0.167, hits: 1, misses: 5, operations_tracked: 11 },
    });
    expect(cache.message).toMatch(/hit ratio/i);
    expect(cache.metadata?.threshold_breaches).toEqual(['hit_ratio']);

    const samples = await scrape(service);
    const hits = metricValue(samples, 'cache_hits_total', { tier: 'memory' })!;
    const misses = metricValue(samples, 'cache_misses_total', { tier: 'memory' })!;
    expect({ hits, misses }).toEqual({ hits: 1, misses: 5 });
    expect(Math.round((hits / (hits + misses)) * 1000) / 1000).toBe(cache.metadata?.hit_ratio);
    expect(
      metricValue(samples, 'health_component_status', { component: 'cache', state: 'degraded' }),
    ).toBe(1);
  });

  it("a provider failing on one operation opens that operation's breaker only; resilience reports it; the others keep working", async () => {
    const provider = await fakeProvider();
    const service = await start(provider, {
      // development: 2 calls per request, the breaker opens after 3 consecutive failures;
      // waits of 0.5 s instead of 1 s and more.
      RESILIENCE_PRESET: 'development',
      RESILIENCE_CUSTOM_CONFIG:
        '{"exponential_multiplier": 0.1, "exponential_min": 0.5, "jitter_enabled": false}',
    });
    provider.reply = sentimentFails('fine');
    const sentiment = (text: string) => post(service, { text, operation: 'sentiment' });

    const failed = await sentiment('first');
    expect(failed.status).toBe(502);
    expect(provider.requests).toHaveLength(2); // one call and one retry
    const opened = await sentiment('second');
    expect(opened.status).toBe(503); // its third failure opened the breaker: no fourth call
    expect(opened.body.message).toBe('AI provider failing; circuit open, try again later');
    expect(provider.requests).toHaveLength(3);
    expect((await sentiment('third')).status).toBe(503);
    expect(provider.requests).toHaveLength(3);

    for (const operation of ['summarize', 'key_points', 'questions']) {
      expect((await post(service, { text: 'still fine', operation })).status).toBe(200);
    }
    expect(
      (await post(service, { text: 'x', operation: 'qa', question: 'Works?' })).body,
    ).toMatchObject({ result: 'fine', cache_hit: false });

    const resilience = await component(service, 'resilience');
    expect(resilience).toMatchObject({
      status: 'degraded',
      message: 'Open circuit breakers: analyze_sentiment',
      metadata: {
        open_circuit_breakers: ['analyze_sentiment'],
        total_circuit_breakers: 5,
        circuit_breakers: {
          analyze_sentiment: { state: 'open', failures: 3, breaks: 1 },
          summarize_text: { state: 'closed', successes: 1, failures: 0 },
          answer_question: { state: 'closed', successes: 1 },
        },
      },
    });
    const samples = await scrape(service);
    const state = (breaker: string, s: string) =>
      metricValue(samples, 'circuit_breaker_state', { breaker, state: s });
    expect(state('analyze_sentiment', 'open')).toBe(1);
    for (const breaker of [
      'summarize_text',
      'extract_key_points',
      'generate_questions',
      'answer_question',
    ]) {
      expect(state(breaker, 'closed')).toBe(1);
    }
  });

  it('stops at startup on an unknown preset and bad values, one line each, with the other bad settings', async () => {
    const exit = await ServiceProcess.startupFailure({
      RESILIENCE_PRESET: 'fast',
      QA_RESILIENCE_STRATEGY: 'reckless',
      RESILIENCE_CUSTOM_CONFIG: '{"circuit_breaker_threshold": 50}',
      CACHE_CUSTOM_CONFIG: '{"operation_ttls": {"summarize": 0}}',
      HEALTH_CHECK_TIMEOUT_MS: 'soon',
    });
    expect(exit.code).toBe(1);
    const lines = exit.output.trim().split('\n');
    expect(lines.map((line) => /^Invalid setting (\w+):/.exec(line)?.[1]).sort()).toEqual([
      'CACHE_CUSTOM_CONFIG',
      'HEALTH_CHECK_TIMEOUT_MS',
      'QA_RESILIENCE_STRATEGY',
      'RESILIENCE_CUSTOM_CONFIG',
      'RESILIENCE_PRESET',
    ]);
    expect(lines).toContain(
      'Invalid setting RESILIENCE_PRESET: "fast" (expected one of simple, development, production)',
    );
  });
});
