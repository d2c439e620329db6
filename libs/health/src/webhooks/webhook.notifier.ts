import type { OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { Unregister } from '../core/health-check';
import type { Redactor } from '../shared/redact';
import type { SystemHealthStatus } from '../core/health-status';
import { HealthService } from '../core/health.service';
import { HEALTH_METRICS_REGISTRY } from '../shared/tokens';
import type { MetricsRegistry } from '../shared/tokens';
import { HEALTH_WEBHOOK_OPTIONS } from './webhook.module-definition';
import { DeliveryQueue } from './delivery.queue';
import type { DeliveryResult } from './webhook.constants';
import { MIN_DEDUP_WINDOW_MS, RedisDedup } from './webhook.dedup';
import type { OutgoingEvent } from './webhook.event';
import { buildWebhookEvent, toOutgoing } from './webhook.event';
import { WebhookInstruments } from './webhook.instruments';
import { WebhookRetry } from './webhook.retry';
import { sendOnce } from './webhook.sender';
import type { WebhookTuning } from './webhook.tuning';
import { HEALTH_WEBHOOK_TUNING, resolveTuning } from './webhook.tuning';
import type { Transition } from './transition.tracker';
import { TransitionTracker } from './transition.tracker';
import type { ResolvedWebhookOptions, WebhookOptions } from './webhook.options';
import { resolveWebhookOptions } from './webhook.options';

/** Counters of the webhook notifier since startup, over all receiver URLs. */
export interface WebhookStats {
  /** Events a receiver answered with 2xx. */
  delivered: number;
  /** Events given up after `maxAttempts` attempts. */
  failed: number;
  /** Events dropped unsent: the oldest of a full queue, or waiting at shutdown. */
  dropped: number;
  /** Events waiting or being sent now. */
  pending: number;
  /** Transitions another instance of the service announced first (`dedup: 'redis'`). */
  duplicates: number;
  /** Transitions announced without de-duplication because Redis did not answer. */
  dedupUnavailable: number;
}

/**
 * Announces status transitions of full reports to the configured URLs, signed, in order per
 * URL, with retries, and never in the way of a check or a request: a report only queues work.
 */
@Injectable()
export class WebhookNotifier implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('HealthWebhooks');
  private readonly settings: ResolvedWebhookOptions;
  private readonly instruments = new WebhookInstruments();
  private readonly lifecycle = new AbortController();
  private readonly tracker: TransitionTracker;
  private readonly tuning: Required<WebhookTuning>;
  private readonly redactor: Redactor;
  private queues: DeliveryQueue[] = [];
  private dedup?: RedisDedup;
  private unsubscribe?: Unregister;
  private claims: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly health: HealthService,
    @Inject(HEALTH_WEBHOOK_OPTIONS) options: WebhookOptions,
    @Optional() @Inject(HEALTH_METRICS_REGISTRY) private readonly registry?: MetricsRegistry,
    @Optional() @Inject(HEALTH_WEBHOOK_TUNING) tuning?: WebhookTuning,
  ) {
    this.settings = resolveWebhookOptions(options);
    this.tuning = resolveTuning(tuning);
    this.tracker = new TransitionTracker(this.settings, health.clock);
    // The signing secret never appears in anything this module logs or sends.
    this.redactor = health.redactor.with([this.settings.secret]);
  }

  /** Whether any URL is configured; without one the notifier does nothing at all. */
  get enabled(): boolean {
    return this.settings.urls.length > 0;
  }

  onModuleInit(): void {
    if (!this.enabled) return;
    const taken = this.registry ? this.instruments.attach(this.registry) : [];
    if (taken.length > 0) {
      this.logger.warn(`Replaced webhook metrics left in the registry: ${taken.join(', ')}`);
    }
    this.dedup = this.createDedup();
    this.queues = this.settings.urls.map((url) => this.createQueue(url));
    this.unsubscribe = this.health.onReport((report, { full, settled }) => {
      if (full) this.observe(report, settled);
    });
    const last = this.health.getLastReport();
    if (last) this.observe(last, this.health.settled);
  }

  /** Stops accepting, drops what waits, aborts attempts in flight, and clears every timer. */
  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    this.unsubscribe?.();
    this.lifecycle.abort();
    this.dedup?.close();
    await Promise.all(this.queues.map((queue) => queue.close()));
    await this.claims;
    if (this.enabled && this.registry) this.instruments.detach(this.registry);
  }

  stats(): WebhookStats {
    const { deliveries, claims } = this.instruments;
    return {
      ...deliveries,
      pending: this.queues.reduce((sum, queue) => sum + queue.pending, 0),
      duplicates: claims.duplicate,
      dedupUnavailable: claims.unavailable,
    };
  }

  /** Before startup has settled, a report is no baseline: nothing is announced for it. */
  private observe(report: SystemHealthStatus, settled: boolean): void {
    for (const transition of this.tracker.observe(report, settled)) {
      this.announce(transition, report);
    }
  }

  private announce(transition: Transition, report: SystemHealthStatus): void {
    const event = toOutgoing(
      buildWebhookEvent(transition, report, {
        service: this.settings.serviceName,
        includeDetails: this.settings.includeDetails,
        redactor: this.redactor,
      }),
    );
    const dedup = this.dedup;
    if (!dedup) return this.enqueue(event);
    // Claims run one after another so events keep the order of their transitions.
    this.claims = this.claims.then(async () => {
      const result = await dedup.claim(transition, event.id);
      if (this.closed) return;
      this.instruments.claim(result);
      if (result !== 'duplicate') this.enqueue(event);
    });
  }

  private enqueue(event: OutgoingEvent): void {
    for (const queue of this.queues) queue.push(event);
  }

  private createDedup(): RedisDedup | undefined {
    const { dedup, redisUrl, redisOptions, serviceName, cooldownMs } = this.settings;
    if (dedup !== 'redis' || !redisUrl) return undefined;
    const windowMs = Math.max(cooldownMs, MIN_DEDUP_WINDOW_MS);
    // A password given beside the URL is a secret for everything this module logs.
    const password = redisOptions?.password;
    const redactor = typeof password === 'string' ? this.redactor.with([password]) : this.redactor;
    return new RedisDedup(redisUrl, serviceName, windowMs, this.logger, redactor, redisOptions);
  }

  private createQueue(url: string): DeliveryQueue {
    const { initialDelayMs, maxDelayMs, fetch } = this.tuning;
    const { secret = '', attemptTimeoutMs, maxAttempts, queueSize, queueBytes } = this.settings;
    const retry = new WebhookRetry({ maxAttempts, initialDelayMs, maxDelayMs });
    const { clock } = this.health;
    const sender = { url, secret, attemptTimeoutMs, clock, fetch };
    const origin = new URL(url).origin;
    return new DeliveryQueue(
      { events: queueSize, bytes: queueBytes },
      (event, signal) => retry.run((attempt) => sendOnce(event, sender, attempt), signal),
      (result, reason) => this.counted(origin, result, reason),
      this.lifecycle.signal,
    );
  }

  /** Counts a result; logs the URL's origin only, never its path (it may hold a token). */
  private counted(origin: string, result: DeliveryResult, reason?: string): void {
    this.instruments.delivery(result);
    if (result === 'failed') {
      const attempts = this.settings.maxAttempts;
      this.logger.warn(`Webhook to ${origin} failed after ${attempts} attempts: ${reason}`);
    } else if (result === 'dropped' && !this.closed) {
      this.logger.warn(`Webhook queue for ${origin} is full: dropped the oldest event`);
    }
  }
}
