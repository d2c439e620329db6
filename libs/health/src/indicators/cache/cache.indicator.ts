import { Injectable } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import type { HealthIndicator, TunableThresholds } from '../../core/health-check';
import { knownKeys } from '../../shared/validate';
import type { HealthMetadata, IndicatorResult } from '../../core/health-status';
import { HealthStatus } from '../../core/health-status';
import { errorText } from '../../shared/error-text';
import { HealthConfigurationError } from '../../shared/errors';

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
  /**
   * Judge the figures of `stats`: a hit ratio below `minHitRatio` or a mean operation time above
   * `maxAverageOperationMs` makes `cache` DEGRADED, once at least `minOperations` operations were
   * seen. Off unless one of the two limits is set.
   */
  thresholds?: CacheThresholds;
}

export interface CacheThresholds {
  /** `hit_ratio` below this is DEGRADED: a number from 0 to 1. Unset: not judged. */
  minHitRatio?: number;
  /** `mean_operation_ms` above this is DEGRADED: ms > 0. Unset: not judged. */
  maxAverageOperationMs?: number;
  /** Fewer operations than this are too few to judge: an integer >= 1. Default 20. */
  minOperations?: number;
}

export type ResolvedCacheThresholds = Readonly<{
  minHitRatio?: number;
  maxAverageOperationMs?: number;
  minOperations: number;
}>;

/** Operations needed before the figures are judged, unless `minOperations` says otherwise. */
export const DEFAULT_CACHE_MIN_OPERATIONS = 20;

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
  private limits?: ResolvedCacheThresholds;
  /** The limits, changeable through the `thresholds` check option, the file and at runtime. */
  readonly tunableThresholds: TunableThresholds;

  constructor(private readonly options: CacheIndicatorOptions = {}) {
    this.limits = resolveCacheThresholds(options.thresholds);
    this.tunableThresholds = {
      defaults: definedOnly({ ...options.thresholds }),
      validate: (values, where) => {
        knownKeys(values, where, CACHE_THRESHOLD_KEYS);
        resolveCacheThresholds(values, where);
      },
      apply: (values) => {
        this.limits = resolveCacheThresholds(values);
      },
    };
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
    const figures = this.stats();
    if (status === HealthStatus.HEALTHY && this.limits) {
      const breaches = judge(figures, this.limits);
      if (breaches.length > 0) {
        return {
          status: HealthStatus.DEGRADED,
          message: breaches.map((b) => b.message).join('; '),
          metadata: {
            ...figures,
            ...metadata,
            threshold_breaches: breaches.map((b) => b.figure),
          },
        };
      }
    }
    return { status, message, metadata: { ...figures, ...metadata } };
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

/** Validates `thresholds`: undefined when no limit is set (nothing to judge). */
export function resolveCacheThresholds(
  thresholds: CacheThresholds | undefined,
  where = 'cache.thresholds',
): ResolvedCacheThresholds | undefined {
  if (thresholds === undefined) return undefined;
  if (thresholds === null || typeof thresholds !== 'object' || Array.isArray(thresholds)) {
    throw new HealthConfigurationError(
      where,
      thresholds,
      '{ minHitRatio?, maxAverageOperationMs?, minOperations? }',
    );
  }
  const { minHitRatio, maxAverageOperationMs, minOperations } = thresholds;
  check(where, 'minHitRatio', minHitRatio, (n) => n >= 0 && n <= 1, 'a number from 0 to 1');
  check(where, 'maxAverageOperationMs', maxAverageOperationMs, (n) => n > 0, 'a number of ms > 0');
  check(
    where,
    'minOperations',
    minOperations,
    (n) => Number.isInteger(n) && n >= 1,
    'an integer >= 1',
  );
  if (minHitRatio === undefined && maxAverageOperationMs === undefined) return undefined;
  return {
    ...(minHitRatio === undefined ? {} : { minHitRatio }),
    ...(maxAverageOperationMs === undefined ? {} : { maxAverageOperationMs }),
    minOperations: minOperations ?? DEFAULT_CACHE_MIN_OPERATIONS,
  };
}

function check(
  where: string,
  key: keyof CacheThresholds,
  value: unknown,
  valid: (n: number) => boolean,
  expected: string,
): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || !valid(value)) {
    throw new HealthConfigurationError(`${where}.${key}`, value, expected);
  }
}

const CACHE_THRESHOLD_KEYS = ['minHitRatio', 'maxAverageOperationMs', 'minOperations'];

function definedOnly(values: Record<string, number | undefined>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(values).filter((entry): entry is [string, number] => entry[1] !== undefined),
  );
}

interface Breach {
  figure: 'hit_ratio' | 'mean_operation_ms';
  message: string;
}

/**
 * The figures past their limit. `hit_ratio` is judged over reads (`hits` + `misses` when the
 * figures have both, `operations_tracked` otherwise), `mean_operation_ms` over
 * `operations_tracked`; a figure that is missing, null, or seen over too few operations is not.
 */
function judge(figures: HealthMetadata, limits: ResolvedCacheThresholds): Breach[] {
  const breaches: Breach[] = [];
  const operations = numberIn(figures, 'operations_tracked');
  const hits = numberIn(figures, 'hits');
  const misses = numberIn(figures, 'misses');
  const reads = hits !== undefined && misses !== undefined ? hits + misses : operations;
  const hitRatio = numberIn(figures, 'hit_ratio');
  if (
    limits.minHitRatio !== undefined &&
    hitRatio !== undefined &&
    reads !== undefined &&
    reads >= limits.minOperations &&
    hitRatio < limits.minHitRatio
  ) {
    breaches.push({
      figure: 'hit_ratio',
      message: `Cache hit ratio ${hitRatio} is below the threshold of ${limits.minHitRatio} (over ${reads} reads)`,
    });
  }
  const meanMs = numberIn(figures, 'mean_operation_ms');
  if (
    limits.maxAverageOperationMs !== undefined &&
    meanMs !== undefined &&
    operations !== undefined &&
    operations >= limits.minOperations &&
    meanMs > limits.maxAverageOperationMs
  ) {
    breaches.push({
      figure: 'mean_operation_ms',
      message: `Mean cache operation time ${meanMs} ms is above the threshold of ${limits.maxAverageOperationMs} ms (over ${operations} operations)`,
    });
  }
  return breaches;
}

function numberIn(figures: HealthMetadata, key: string): number | undefined {
  const value = figures[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
