import type { DeliveryResult } from './webhook.constants';
import type { OutgoingEvent } from './webhook.event';
import { reasonOf } from './webhook.reason';

/** Sends one event, retries included; rejects when it gave up or was cancelled. */
export type Deliver = (event: OutgoingEvent, signal: AbortSignal) => Promise<void>;

/** Told how each event ended; `reason` says why one failed. */
export type ResultListener = (result: DeliveryResult, reason?: string) => void;

/** How much one URL's queue keeps waiting, besides the event in flight. */
export interface QueueLimits {
  /** Waiting events at most. */
  events: number;
  /** Bytes of the waiting events' bodies at most (the newest event is kept even if larger). */
  bytes: number;
}

interface Waiting {
  event: OutgoingEvent;
  bytes: number;
}

/**
 * The undelivered events of one URL, sent one at a time in order. Holds at most `limits.events`
 * waiting events, and at most `limits.bytes` bytes of their bodies, besides the one in flight:
 * beyond either, the oldest waiting ones are dropped (the newest is always kept).
 */
export class DeliveryQueue {
  private readonly waiting: Waiting[] = [];
  private bytes = 0;
  private running = false;
  private inFlight = false;
  private closed = false;
  private worker: Promise<void> = Promise.resolve();

  constructor(
    private readonly limits: QueueLimits,
    private readonly deliver: Deliver,
    private readonly onResult: ResultListener,
    private readonly signal: AbortSignal,
  ) {}

  /** Events waiting or being sent. */
  get pending(): number {
    return this.waiting.length + (this.inFlight ? 1 : 0);
  }

  /** Bytes of the bodies of the events waiting (not of the one in flight). */
  get waitingBytes(): number {
    return this.bytes;
  }

  push(event: OutgoingEvent): void {
    if (this.closed) return;
    if (this.waiting.length >= this.limits.events) this.dropOldest();
    const bytes = Buffer.byteLength(event.body);
    this.waiting.push({ event, bytes });
    this.bytes += bytes;
    while (this.bytes > this.limits.bytes && this.waiting.length > 1) this.dropOldest();
    if (!this.running) {
      this.running = true;
      this.worker = this.drain();
    }
  }

  /** Accepts nothing more, drops what waits, and settles once the event in flight gave up. */
  async close(): Promise<void> {
    this.closed = true;
    this.bytes = 0;
    for (const _ of this.waiting.splice(0)) this.onResult('dropped', 'shutting down');
    await this.worker;
  }

  private dropOldest(): void {
    this.take();
    this.onResult('dropped', 'queue full');
  }

  /** The oldest waiting event, out of the waiting list and its bytes. */
  private take(): OutgoingEvent | undefined {
    const next = this.waiting.shift();
    if (next) this.bytes -= next.bytes;
    return next?.event;
  }

  private async drain(): Promise<void> {
    try {
      for (let event = this.take(); event; event = this.take()) {
        this.inFlight = true;
        await this.send(event);
        this.inFlight = false;
      }
    } finally {
      this.running = false;
    }
  }

  private async send(event: OutgoingEvent): Promise<void> {
    try {
      await this.deliver(event, this.signal);
      this.onResult('delivered');
    } catch (error) {
      if (this.closed) this.onResult('dropped', 'shutting down');
      else this.onResult('failed', reasonOf(error));
    }
  }
}
