import type { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { loadPeer, PACKAGE_NAME } from '../shared/require-peer';
import type { Redactor } from '../shared/redact';
import type { ClaimResult } from './webhook.constants';
import type { Transition } from './transition.tracker';
import { reasonOf } from './webhook.reason';

/** The shortest claim window, for a cooldown of 0 (Redis needs a positive expiry). */
export const MIN_DEDUP_WINDOW_MS = 1000;

/** A claim that hangs (a stopped server) must not hold announcements back for long. */
const TIMEOUT_MS = 1000;

/**
 * The key instances of one service agree on for one transition. It names no time bucket: the
 * first instance to claim it opens a window (the key's expiry) in which every other claim of
 * the same transition is a duplicate.
 */
export function dedupKey(service: string, { component, previous, current }: Transition): string {
  const scope = component === null ? 'overall' : `component:${component}`;
  return `health:webhook:${service}:${scope}:${previous}->${current}`;
}

/**
 * Fleet de-duplication: one `SET key NX PX window` per transition; the instance that sets it
 * announces. When Redis cannot answer, every instance announces (a duplicate beats a lost alert).
 */
export class RedisDedup {
  private readonly redis: Redis;
  private lastError?: string;
  private closing = false;

  constructor(
    url: string,
    private readonly service: string,
    private readonly windowMs: number,
    private readonly logger: Logger,
    private readonly redactor: Redactor,
    connection: Readonly<Record<string, unknown>> = {},
  ) {
    const RedisClient = loadPeer<typeof import('ioredis')>(
      'ioredis',
      `${PACKAGE_NAME}/webhooks dedup: 'redis'`,
    ).Redis;
    this.redis = new RedisClient(url, {
      ...connection,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 2000,
      // disconnect() arms a timer to destroy the socket, cleared only when the socket closes
      // later: after a crash it never does. Keep that timer short.
      disconnectTimeout: 100,
      retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2000),
    });
    this.redis.on('error', (error: unknown) => this.noteError(error));
    this.redis.on('ready', () => (this.lastError = undefined));
  }

  /** Whether this instance should announce `transition`; `eventId` marks who claimed it. */
  async claim(transition: Transition, eventId: string): Promise<ClaimResult> {
    const key = dedupKey(this.service, transition);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('Redis did not answer in time')), TIMEOUT_MS);
    });
    try {
      const set = this.redis.set(key, eventId, 'PX', this.windowMs, 'NX');
      return (await Promise.race([set, timeout])) === 'OK' ? 'claimed' : 'duplicate';
    } catch (error) {
      this.noteError(error);
      return 'unavailable';
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.closing = true;
    this.redis.disconnect();
  }

  /** Logs once per distinct message, never the URL (it may carry a password). */
  private noteError(error: unknown): void {
    const message = reasonOf(error);
    if (this.closing || message === this.lastError) return;
    this.lastError = message;
    this.logger.warn(
      `Webhook de-duplication unavailable, announcing anyway: ${this.redactor.text(message)}`,
    );
  }
}
