import type { Metric, Registry } from 'prom-client';
import { Counter, Gauge, Histogram } from 'prom-client';
import { HealthConfigurationError } from '../shared/errors';
import { CACHE_METRIC_NAMES as NAMES } from '../formats/metric-names';
import { attachMetrics, detachMetrics } from '../shared/registry-attachment';
import type { HealthMetricsCollector } from './metrics-collector';

/** Where a cache operation was served: Redis, or the in-process memory store. */
export const CACHE_TIERS = ['redis', 'memory'] as const;
export type CacheTier = (typeof CACHE_TIERS)[number];

/** What a cache operation was: a read that found the key or not, a write, a delete. */
export const CACHE_OPERATIONS = ['hit', 'miss', 'write', 'delete'] as const;
export type CacheOperationKind = (typeof CACHE_OPERATIONS)[number];

/** One finished cache operation, as a cache's performance monitor announces it. */
export interface CacheOperationEvent {
  operation: CacheOperationKind;
  tier: CacheTier;
  /** How long it took, fallback included, in milliseconds. */
  durationMs: number;
}

/**
 * What `CacheMetricsCollector` needs of a cache's performance monitor: operations as they
 * finish, and whether the memory fallback serves in place of Redis right now.
 */
export interface CacheMetricsSource {
  /** Calls `listener` after every operation; returns the function that stops it. */
  onOperation(listener: (event: CacheOperationEvent) => void): () => void;
  /** True while Redis is configured but the memory store serves instead (down, hung, refusing). */
  fallbackActive(): boolean;
}

export interface CacheMetricsOptions {
  /** Histogram buckets of operation durations, in seconds. Default `CACHE_DURATION_BUCKETS`. */
  buckets?: readonly number[];
}

/** Operation duration buckets, in seconds: 0.1 ms to 1 s (Redis' default command timeout). */
export const CACHE_DURATION_BUCKETS: readonly number[] = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
];

/**
 * The cache in Prometheus: `cache_hits_total{tier}`, `cache_misses_total{tier}`,
 * `cache_operation_duration_seconds{operation,tier}` (fed by each operation) and
 * `cache_memory_fallback_active` (read at each scrape). Labels are these fixed values only:
 * never a key, a value or a message.
 */
export class CacheMetricsCollector implements HealthMetricsCollector {
  private readonly hits = new Counter({
    name: NAMES.hits,
    help: 'Cache reads that found the key, by the tier that served them.',
    labelNames: ['tier'] as const,
    registers: [],
  });
  private readonly misses = new Counter({
    name: NAMES.misses,
    help: 'Cache reads that did not find the key, by the tier that served them.',
    labelNames: ['tier'] as const,
    registers: [],
  });
  private readonly duration: Histogram<'operation' | 'tier'>;
  private readonly fallback: Gauge;
  private stop?: () => void;

  constructor(
    private readonly source: CacheMetricsSource,
    options: CacheMetricsOptions = {},
  ) {
    this.duration = new Histogram({
      name: NAMES.operationDuration,
      help: 'Duration of cache operations in seconds, a fallback to memory included.',
      labelNames: ['operation', 'tier'] as const,
      buckets: resolveBuckets(options.buckets),
      registers: [],
    });
    const fallbackActive = () => source.fallbackActive();
    this.fallback = new Gauge({
      name: NAMES.memoryFallbackActive,
      help: 'Whether the memory fallback serves in place of the configured Redis: 1 yes, 0 no.',
      registers: [],
      collect() {
        // A broken source must not break the scrape: the gauge keeps its last value.
        try {
          this.set(fallbackActive() ? 1 : 0);
        } catch {
          return;
        }
      },
    });
  }

  attach(registry: Registry): string[] {
    this.stop?.();
    const taken = attachMetrics(registry, this.named());
    for (const tier of CACHE_TIERS) {
      this.hits.inc({ tier }, 0);
      this.misses.inc({ tier }, 0);
      for (const operation of CACHE_OPERATIONS) this.duration.zero({ operation, tier });
    }
    this.stop = this.source.onOperation((event) => this.record(event));
    return taken;
  }

  detach(registry: Registry): void {
    this.stop?.();
    this.stop = undefined;
    detachMetrics(registry, this.named());
  }

  private record({ operation, tier, durationMs }: CacheOperationEvent): void {
    // Only the known values become labels, whatever a source sends.
    if (!CACHE_TIERS.includes(tier) || !CACHE_OPERATIONS.includes(operation)) return;
    if (operation === 'hit') this.hits.inc({ tier });
    if (operation === 'miss') this.misses.inc({ tier });
    if (Number.isFinite(durationMs) && durationMs >= 0) {
      this.duration.observe({ operation, tier }, durationMs / 1000);
    }
  }

  private named(): [string, Metric][] {
    return [
      [NAMES.hits, this.hits],
      [NAMES.misses, this.misses],
      [NAMES.operationDuration, this.duration],
      [NAMES.memoryFallbackActive, this.fallback],
    ];
  }
}

function resolveBuckets(buckets: unknown): number[] {
  if (buckets === undefined) return [...CACHE_DURATION_BUCKETS];
  const valid =
    Array.isArray(buckets) &&
    buckets.length > 0 &&
    buckets.every(
      (b: unknown, i) =>
        typeof b === 'number' && Number.isFinite(b) && b > 0 && (i === 0 || b > buckets[i - 1]),
    );
  if (!valid) {
    throw new HealthConfigurationError(
      'cache metrics buckets',
      buckets,
      'increasing numbers of seconds > 0',
    );
  }
  return [...(buckets as number[])];
}
