import { Injectable } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import type { HealthIndicator } from '../../core/health-check';
import type { HealthMetadata, IndicatorResult } from '../../core/health-status';
import { HealthStatus } from '../../core/health-status';
import { errorText } from '../../core/error-text';

/** What the indicator needs of a Redis client; an `ioredis` client satisfies it. */
export interface RedisPingable {
  /** ioredis connection status: `ready` once connected and usable. */
  readonly status: string;
  ping(): Promise<string>;
  /** ioredis' events: `ready` and `error` say the first connection attempt is over. */
  once?(event: 'ready' | 'error' | 'end', listener: () => void): unknown;
}

/** ioredis statuses of a first connection attempt still under way. */
const CONNECTING = ['wait', 'connecting', 'connect'];

/** A cache's own performance figures, shown in the status metadata. */
export type CacheStats = Readonly<Record<string, number | string | boolean | null>>;

export interface CacheIndicatorOptions {
  /** The Redis client when Redis is configured; unset means the in-memory cache. */
  redis?: RedisPingable;
  /** The cache's performance figures (hit ratio, operations, mean time), read at each check. */
  stats?: () => CacheStats;
}

export const REDIS_UNAVAILABLE = 'Redis unavailable, serving from memory';

/**
 * `cache`: HEALTHY on the in-memory cache or when Redis is ready and answers PING;
 * DEGRADED "Redis unavailable, serving from memory" when Redis is configured but down.
 * A client that is not connected fails at once: no waiting on an offline queue.
 */
@Injectable()
export class CacheIndicator implements HealthIndicator {
  readonly name = 'cache';
  private hasSettled: boolean;

  constructor(private readonly options: CacheIndicatorOptions = {}) {
    const { redis } = options;
    this.hasSettled = !redis || !CONNECTING.includes(redis.status);
    const settle = () => {
      this.hasSettled = true;
    };
    for (const event of ['ready', 'error', 'end'] as const) redis?.once?.(event, settle);
  }

  /** Settled once Redis has connected or failed to: a client still connecting at boot is no news. */
  settled(): boolean {
    const { redis } = this.options;
    if (!this.hasSettled && redis && !CONNECTING.includes(redis.status)) this.hasSettled = true;
    return this.hasSettled;
  }

  async check(): Promise<IndicatorResult> {
    const { redis } = this.options;
    if (!redis) {
      return this.result(HealthStatus.HEALTHY, 'In-memory cache operational', {
        backend: 'memory',
      });
    }
    if (redis.status !== 'ready') return this.unavailable(`connection ${redis.status}`);
    const started = performance.now();
    try {
      await redis.ping();
    } catch (error) {
      return this.unavailable(errorText(error));
    }
    const pingMs = Math.round((performance.now() - started) * 1000) / 1000;
    return this.result(HealthStatus.HEALTHY, 'Redis cache operational', {
      backend: 'redis',
      ping_ms: pingMs,
    });
  }

  private unavailable(reason: string): IndicatorResult {
    return this.result(HealthStatus.DEGRADED, REDIS_UNAVAILABLE, {
      backend: 'memory',
      configured_backend: 'redis',
      redis_error: reason,
    });
  }

  private result(status: HealthStatus, message: string, metadata: HealthMetadata): IndicatorResult {
    return { status, message, metadata: { ...this.stats(), ...metadata } };
  }

  /** A broken stats source must not make the cache look broken. */
  private stats(): HealthMetadata {
    try {
      return { ...this.options.stats?.() };
    } catch {
      return { stats_error: 'cache statistics unavailable' };
    }
  }
}
