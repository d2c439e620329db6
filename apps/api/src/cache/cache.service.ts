import type { OnModuleDestroy } from '@nestjs/common';
import { Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { performance } from 'node:perf_hooks';
import type { CacheOperation } from './cache-performance.monitor';
import { CachePerformanceMonitor } from './cache-performance.monitor';
import { MemoryStore } from './memory.store';

export interface CacheServiceOptions {
  /** Redis to use; unset means the in-memory cache only. */
  redisUrl?: string;
  /** How long one Redis command may take before the cache serves from memory. */
  commandTimeoutMs?: number;
  maxMemoryEntries?: number;
  latencyWindow?: number;
}

const DEFAULT_COMMAND_TIMEOUT_MS = 1000;
const KEY_PREFIX = 'api:cache:';

/**
 * The service's cache: Redis when configured and reachable, memory otherwise. A Redis that is
 * down or hung never blocks a request for longer than one command timeout, and the client
 * reconnects by itself when Redis returns.
 */
@Injectable()
export class CacheService implements OnModuleDestroy {
  readonly redis?: Redis;
  readonly monitor: CachePerformanceMonitor;
  private readonly memory: MemoryStore;
  private readonly logger = new Logger('CacheService');
  private lastError?: string;

  constructor(options: CacheServiceOptions = {}) {
    this.memory = new MemoryStore(options.maxMemoryEntries);
    this.monitor = new CachePerformanceMonitor(options.latencyWindow);
    if (options.redisUrl) this.redis = this.connect(options.redisUrl, options);
  }

  get backend(): 'redis' | 'memory' {
    return this.redisReady() ? 'redis' : 'memory';
  }

  async get(key: string): Promise<string | undefined> {
    return this.timed(
      (value) => (value === undefined ? 'miss' : 'hit'),
      async (redis) => {
        if (!redis) return this.memory.get(key);
        return (await redis.get(KEY_PREFIX + key)) ?? undefined;
      },
    );
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.timed(
      () => 'write',
      async (redis) => {
        if (redis) await redis.set(KEY_PREFIX + key, value, 'PX', Math.max(1, Math.round(ttlMs)));
        else this.memory.set(key, value, ttlMs);
      },
    );
  }

  async delete(key: string): Promise<void> {
    this.memory.delete(key);
    await this.timed(
      () => 'delete',
      async (redis) => {
        if (redis) await redis.del(KEY_PREFIX + key);
      },
    );
  }

  onModuleDestroy(): void {
    this.redis?.disconnect();
  }

  /** Runs an operation on Redis when it is ready, else (or when it fails) on memory. */
  private async timed<T>(
    classify: (result: T) => CacheOperation,
    operation: (redis: Redis | undefined) => Promise<T>,
  ): Promise<T> {
    const started = performance.now();
    let fallback = !this.redisReady();
    let result: T;
    try {
      result = await operation(fallback ? undefined : this.redis);
    } catch (error) {
      this.noteError(error);
      fallback = true;
      result = await operation(undefined);
    }
    this.monitor.record(classify(result), performance.now() - started, fallback && !!this.redis);
    return result;
  }

  private redisReady(): boolean {
    return this.redis?.status === 'ready';
  }

  private connect(url: string, options: CacheServiceOptions): Redis {
    const redis = new Redis(url, {
      // Fail fast while disconnected instead of queueing: the memory fallback answers.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 2000,
      // After Redis died, the default leaves a 2 s timer that keeps a closing process alive.
      disconnectTimeout: 100,
      commandTimeout: options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
      retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2000),
    });
    redis.on('error', (error: unknown) => this.noteError(error));
    redis.on('ready', () => {
      if (this.lastError) this.logger.log('Redis connection restored');
      this.lastError = undefined;
    });
    return redis;
  }

  /** Logs a Redis error once per distinct message, never the URL (it may hold a password). */
  private noteError(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    if (message === this.lastError) return;
    this.lastError = message;
    this.logger.warn(`Redis unavailable, serving from memory: ${message}`);
  }
}
