import { Redactor } from '@nest-health/core';
import type { OnModuleDestroy } from '@nestjs/common';
import { Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { performance } from 'node:perf_hooks';
import type { CacheOperation } from './cache-performance.monitor';
import { CachePerformanceMonitor } from './cache-performance.monitor';
import { MemoryStore } from './memory.store';
import type { RedisSettings } from './redis.config';

export interface CacheServiceOptions {
  /** Redis to use (see `redisSettingsFromEnv`); unset means the in-memory cache only. */
  redis?: RedisSettings;
  /** How long one Redis command may take before the cache serves from memory. */
  commandTimeoutMs?: number;
  maxMemoryEntries?: number;
  latencyWindow?: number;
}

const DEFAULT_COMMAND_TIMEOUT_MS = 1000;
const KEY_PREFIX = 'api:cache:';

/** OpenSSL's and Node's codes for a certificate the client refused. */
const TLS_VERIFY_CODES = new Set([
  'CERT_CHAIN_TOO_LONG',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REJECTED',
  'CERT_REVOKED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'PATH_LENGTH_EXCEEDED',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
]);

/**
 * The service's cache: Redis when configured and reachable, memory otherwise; memory also keeps
 * a bounded copy of what was written, so a value outlives a Redis outage. A Redis that is down
 * or hung never blocks a request for longer than one command timeout, and the client
 * reconnects by itself when Redis returns.
 */
@Injectable()
export class CacheService implements OnModuleDestroy {
  readonly redis?: Redis;
  readonly monitor: CachePerformanceMonitor;
  private readonly memory: MemoryStore;
  private readonly logger = new Logger('CacheService');
  /** Every line this service logs goes through it: ioredis' messages may quote the URL. */
  private readonly redactor: Redactor;
  private lastError?: string;
  /** The last operation went to memory because Redis failed it (a hung Redis stays `ready`). */
  private lastFellBack = false;

  constructor(options: CacheServiceOptions = {}) {
    this.memory = new MemoryStore(options.maxMemoryEntries);
    this.monitor = new CachePerformanceMonitor({
      latencyWindow: options.latencyWindow,
      fallbackActive: () => this.fallbackActive,
    });
    this.redactor = new Redactor(options.redis?.secrets ?? []);
    if (options.redis) this.redis = this.connect(options.redis, options);
  }

  get backend(): 'redis' | 'memory' {
    return this.redisReady() ? 'redis' : 'memory';
  }

  /** Redis is configured, but memory serves: Redis is not ready, or failed the last operation. */
  get fallbackActive(): boolean {
    return this.redis !== undefined && (!this.redisReady() || this.lastFellBack);
  }

  /**
   * The value from Redis, or from memory when Redis does not have it, is down or does not answer
   * within the command timeout: memory keeps a copy of every value written.
   */
  async get(key: string): Promise<string | undefined> {
    return this.timed(
      (value) => (value === undefined ? 'miss' : 'hit'),
      async (redis) => {
        if (!redis) return this.memory.get(key);
        return (await redis.get(KEY_PREFIX + key)) ?? this.memory.get(key);
      },
    );
  }

  /** Writes to memory, then to Redis: a value written is there when Redis goes away. */
  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.memory.set(key, value, ttlMs);
    await this.timed(
      () => 'write',
      async (redis) => {
        if (redis) await redis.set(KEY_PREFIX + key, value, 'PX', Math.max(1, Math.round(ttlMs)));
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
    const servedByFallback = fallback && !!this.redis;
    if (this.redis) this.lastFellBack = fallback;
    this.monitor.record(
      classify(result),
      performance.now() - started,
      servedByFallback,
      fallback || !this.redis ? 'memory' : 'redis',
    );
    return result;
  }

  private redisReady(): boolean {
    return this.redis?.status === 'ready';
  }

  private connect(settings: RedisSettings, options: CacheServiceOptions): Redis {
    const redis = new Redis({
      host: settings.host,
      port: settings.port,
      db: settings.db,
      username: settings.username,
      password: settings.password,
      tls: settings.tls,
      // Fail fast while disconnected instead of queueing: the memory fallback answers.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 2000,
      // After Redis died, the default leaves a 2 s timer that keeps a closing process alive.
      disconnectTimeout: 100,
      commandTimeout: options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
      retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2000),
    });
    redis.on('error', (error: unknown) => {
      this.monitor.noteConnectionError(this.noteError(error));
    });
    redis.on('ready', () => {
      if (this.lastError) this.log('log', 'Redis connection restored');
      this.lastError = undefined;
      this.lastFellBack = false;
      this.monitor.noteConnectionError(undefined);
    });
    return redis;
  }

  /** Logs a Redis error once per distinct message, redacted; returns the redacted message. */
  private noteError(error: unknown): string {
    const message = this.redactor.text(describeRedisError(error));
    if (message !== this.lastError) {
      this.lastError = message;
      this.log('warn', `Redis unavailable, serving from memory: ${message}`);
    }
    return message;
  }

  private log(level: 'log' | 'warn', line: string): void {
    this.logger[level](this.redactor.text(line));
  }
}

/** An ioredis or socket error in words; a refused certificate says so. */
export function describeRedisError(error: unknown): string {
  const { message, code } = (typeof error === 'object' && error !== null ? error : {}) as {
    message?: unknown;
    code?: unknown;
  };
  const text =
    typeof message === 'string' && message !== ''
      ? message
      : typeof code === 'string'
        ? code
        : String(error);
  if (typeof code !== 'string') return text;
  if (TLS_VERIFY_CODES.has(code)) return `TLS certificate verification failed: ${text}`;
  if (code.startsWith('ERR_SSL_')) return `TLS handshake failed: ${text}`;
  return text;
}
