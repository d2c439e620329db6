import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { CircuitState, ConsecutiveBreaker, circuitBreaker, handleAll } from 'cockatiel';
import Redis from 'ioredis';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import process from 'node:process';
import { getHeapStatistics } from 'node:v8';

/**
 * The four checks of the host service (`ai_model` in config mode, `cache`, `resilience`,
 * `runtime`), written the Terminus way: one function per indicator, given to
 * `HealthCheckService.check()`. Same work as ours: the same Redis client options (ioredis,
 * no offline queue, 1 s command timeout), a PING per cache check, a cockatiel breaker's state,
 * the event loop delay p99 and the heap ratio, with the same thresholds and a 2 s timeout on
 * the one check that does I/O.
 *
 * `cacheTtlMs > 0` is the Terminus 12 way to cache: every check becomes an
 * `attempt(...).cacheFor(ttl)` (results shared across requests, concurrent runs shared).
 * `attempt()` can only say up or down, so with caching a failing Redis is `down`. A healthy
 * check adds no data (Terminus adds `responseTime` to attempts), to keep the body small.
 */
export const BENCH_SETTINGS = Symbol('BENCH_SETTINGS');
export const REDIS = Symbol('REDIS');
export const BREAKER = Symbol('BREAKER');

const CHECK_TIMEOUT_MS = 2000;
const RESOLUTION_MS = 10;
const DELAY_DEGRADED_MS = 100;
const DELAY_UNHEALTHY_MS = 500;
const HEAP_DEGRADED = 0.85;
const HEAP_UNHEALTHY = 0.95;

/** Settings from the environment, as the host reads them. */
export function settingsFromEnv(env = process.env) {
  return {
    apiKey: env.GEMINI_API_KEY || undefined,
    redisUrl: env.REDIS_URL || undefined,
    commandTimeoutMs: Number(env.REDIS_COMMAND_TIMEOUT_MS || 1000),
    cacheTtlMs: Number(env.TERMINUS_CACHE_TTL_MS || 0),
  };
}

/** The same client options as the host's CacheService. */
export function createRedis(settings) {
  if (!settings.redisUrl) return undefined;
  const redis = new Redis(settings.redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 2000,
    commandTimeout: settings.commandTimeoutMs,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2000),
  });
  redis.on('error', () => undefined);
  return redis;
}

/** The host's `ai_provider` breaker: 5 consecutive failures open it, half-open after 30 s. */
export function createBreaker() {
  return circuitBreaker(handleAll, {
    halfOpenAfter: 30_000,
    breaker: new ConsecutiveBreaker(5),
  });
}

export class BenchChecks {
  constructor(settings, redis, breaker, indicators) {
    this.settings = settings;
    this.redis = redis;
    this.breaker = breaker;
    this.indicators = indicators;
    this.delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    this.delay.enable();
    const ttl = settings.cacheTtlMs;
    /** What a controller hands to `HealthCheckService.check()`. */
    this.functions =
      ttl > 0
        ? [
            () => this.cached('ai_model', ttl, () => this.aiModelOrThrow()),
            () => this.cached('cache', ttl, () => this.pingOrThrow()).withTimeout(CHECK_TIMEOUT_MS),
            () => this.cached('resilience', ttl, () => this.resilienceOrThrow()),
            () => this.cached('runtime', ttl, () => this.runtimeOrThrow()),
          ]
        : [() => this.aiModel(), () => this.cache(), () => this.resilience(), () => this.runtime()];
  }

  onModuleDestroy() {
    this.delay.disable();
    this.redis?.disconnect();
  }

  aiModel() {
    const session = this.indicators.check('ai_model');
    return this.settings.apiKey
      ? session.up()
      : session.degraded({ message: 'Missing Gemini API key' });
  }

  cache() {
    if (!this.redis) return this.indicators.check('cache').up();
    return this.indicators
      .check('cache')
      .attempt(() => this.pingOrThrow())
      .withTimeout(CHECK_TIMEOUT_MS);
  }

  resilience() {
    const session = this.indicators.check('resilience');
    return this.breaker.state === CircuitState.Closed
      ? session.up()
      : session.degraded({ message: 'Open circuit breakers: ai_provider' });
  }

  runtime() {
    const session = this.indicators.check('runtime');
    const { grade, data } = this.readRuntime();
    if (grade === 'up') return session.up();
    return grade === 'degraded' ? session.degraded(data) : session.down(data);
  }

  cached(key, ttl, fn) {
    return this.indicators.check(key).attempt(fn).cacheFor(ttl);
  }

  aiModelOrThrow() {
    if (!this.settings.apiKey) throw new Error('Missing Gemini API key');
  }

  async pingOrThrow() {
    if (!this.redis) return;
    if (this.redis.status !== 'ready') throw new Error(`Redis connection ${this.redis.status}`);
    await this.redis.ping();
  }

  resilienceOrThrow() {
    if (this.breaker.state !== CircuitState.Closed) throw new Error('Open circuit breakers');
  }

  runtimeOrThrow() {
    const { grade } = this.readRuntime();
    if (grade === 'down') throw new Error('runtime unhealthy');
  }

  /** Event loop delay p99 since the previous reading, and heap used against the limit. */
  readRuntime() {
    const sampled = this.delay.count > 0;
    const late = (ns) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
    const p99 = sampled ? late(this.delay.percentile(99)) : 0;
    this.delay.reset();
    const heapRatio = process.memoryUsage().heapUsed / getHeapStatistics().heap_size_limit;
    const worst = (value, degraded, unhealthy) =>
      value > unhealthy ? 2 : value > degraded ? 1 : 0;
    const level = Math.max(
      worst(p99, DELAY_DEGRADED_MS, DELAY_UNHEALTHY_MS),
      worst(heapRatio, HEAP_DEGRADED, HEAP_UNHEALTHY),
    );
    return {
      grade: ['up', 'degraded', 'down'][level],
      data: { event_loop_delay_p99_ms: Math.round(p99 * 1000) / 1000 },
    };
  }
}

// Decorators applied as functions: no TypeScript, no build step.
Injectable()(BenchChecks);
Inject(BENCH_SETTINGS)(BenchChecks, undefined, 0);
Inject(REDIS)(BenchChecks, undefined, 1);
Inject(BREAKER)(BenchChecks, undefined, 2);
Reflect.defineMetadata(
  'design:paramtypes',
  [Object, Object, Object, HealthIndicatorService],
  BenchChecks,
);
