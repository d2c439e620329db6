import type { CacheIndicatorOptions } from '@nest-health/core';
import type { CacheMetricsSource, CacheOperationEvent } from '@nest-health/core/metrics';

/** The figures the cache indicator reads (`stats`). */
type CacheStats = ReturnType<NonNullable<CacheIndicatorOptions['stats']>>;
/** Where an operation was served: Redis, or the in-memory fallback. */
type CacheTier = CacheOperationEvent['tier'];

export type CacheOperation = 'hit' | 'miss' | 'write' | 'delete';

export interface CachePerformanceMonitorOptions {
  /** How many of the latest operations the mean time is taken over. */
  latencyWindow?: number;
  /** Whether the memory fallback serves in place of the configured Redis right now. */
  fallbackActive?: () => boolean;
}

export const DEFAULT_LATENCY_WINDOW = 1000;

/**
 * Counts cache hits, misses and fallbacks, and keeps the latency of the last N operations in
 * a fixed ring: memory stays the same however long the service runs. Announces each operation
 * to its listeners (the Prometheus cache metrics, `CacheMetricsCollector`).
 */
export class CachePerformanceMonitor implements CacheMetricsSource {
  private hits = 0;
  private misses = 0;
  private operations = 0;
  private fallbacks = 0;
  private readonly latencies: Float64Array;
  private next = 0;
  private filled = 0;
  private connectionError?: string;
  private readonly listeners = new Set<(event: CacheOperationEvent) => void>();
  private readonly fallbackProbe: () => boolean;

  constructor(options: CachePerformanceMonitorOptions = {}) {
    this.latencies = new Float64Array(options.latencyWindow ?? DEFAULT_LATENCY_WINDOW);
    this.fallbackProbe = options.fallbackActive ?? (() => false);
  }

  /**
   * One finished operation. `tier` is where it was served; by default memory when it was
   * served from the fallback, Redis otherwise.
   */
  record(
    operation: CacheOperation,
    durationMs: number,
    servedFromMemoryFallback: boolean,
    tier: CacheTier = servedFromMemoryFallback ? 'memory' : 'redis',
  ): void {
    this.operations++;
    if (operation === 'hit') this.hits++;
    if (operation === 'miss') this.misses++;
    if (servedFromMemoryFallback) this.fallbacks++;
    this.latencies[this.next] = durationMs;
    this.next = (this.next + 1) % this.latencies.length;
    this.filled = Math.min(this.filled + 1, this.latencies.length);
    for (const listener of this.listeners) {
      // Metrics must never break a cache operation.
      try {
        listener({ operation, tier, durationMs });
      } catch {
        continue;
      }
    }
  }

  onOperation(listener: (event: CacheOperationEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  fallbackActive(): boolean {
    return this.fallbackProbe();
  }

  /**
   * Why Redis cannot be reached (already redacted), or undefined once it is: shown in the
   * figures as `redis_connection_error`, so that the cache's status says why it is degraded.
   */
  noteConnectionError(message: string | undefined): void {
    this.connectionError = message;
  }

  stats(): CacheStats {
    const reads = this.hits + this.misses;
    let total = 0;
    for (let i = 0; i < this.filled; i++) total += this.latencies[i];
    return {
      hit_ratio: reads === 0 ? null : round(this.hits / reads),
      hits: this.hits,
      misses: this.misses,
      operations_tracked: this.operations,
      fallback_operations: this.fallbacks,
      mean_operation_ms: this.filled === 0 ? null : round(total / this.filled),
      ...(this.connectionError ? { redis_connection_error: this.connectionError } : {}),
    };
  }
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
