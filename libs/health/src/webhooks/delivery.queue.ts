import type { DeliveryResult } from './webhook.constants';
import type { OutgoingEvent } from './webhook.event';
import { reasonOf } from './webhook.reason';

/** Sends one event, retries included; rejects when it gave up or was cancelled. */
export type Deliver = (event: OutgoingEvent, signal: AbortSignal) => Promise<void>;

/** Told how each event ended; `reason` says why one failed. */
export type ResultListener = (result: DeliveryResult, reason?: string) => void;

/**
 * The undelivered events of one URL, sent one at a time in order. Holds at most `capacity`
 * waiting events besides the one in flight: beyond, the oldest waiting one is dropped.
 */
export class DeliveryQueue {
  private readonly waiting: OutgoingEvent[] = [];
  private running = false;
  private inFlight = false;
  private closed = false;
  private worker: Promise<void> = Promise.resolve();

  constructor(
    private readonly capacity: number,
    private readonly deliver: Deliver,
    private readonly onResult: ResultListener,
    private readonly signal: AbortSignal,
  ) {}

  /** Events waiting or being sent. */
  get pending(): number {
    return this.waiting.length + (this.inFlight ? 1 : 0);
  }

  push(event: OutgoingEvent): void {
    if (this.closed) return;
    if (this.waiting.length >= this.capacity) {
      this.waiting.shift();
      this.onResult('dropped', 'queue full');
    }
    this.waiting.push(event);
    if (!this.running) {
      this.running = true;
      this.worker = this.drain();
    }
  }

  /** Accepts nothing more, drops what waits, and settles once the event in flight gave up. */
  async close(): Promise<void> {
    this.closed = true;
    for (const _ of this.waiting.splice(0)) this.onResult('dropped', 'shutting down');
    await this.worker;
  }

  private async drain(): Promise<void> {
    try {
      for (let event = this.waiting.shift(); event; event = this.waiting.shift()) {
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
