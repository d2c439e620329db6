import type { HealthClock } from '../core/clock';
import { WEBHOOK_EVENT } from './webhook.constants';
import type { OutgoingEvent } from './webhook.event';
import { reasonOf } from './webhook.reason';
import { signWebhook } from './webhook.signature';

/** Why one attempt failed; the message never holds the URL. */
export class DeliveryAttemptError extends Error {
  override readonly name = 'DeliveryAttemptError';
}

export interface SenderOptions {
  url: string;
  secret: string;
  attemptTimeoutMs: number;
  clock: HealthClock;
  fetch: typeof fetch;
}

/**
 * One POST of an event to one URL, signed afresh: every attempt carries the current time, so
 * a retry sent minutes later is not rejected as a replay. 2xx is success; anything else,
 * a timeout or a network error throws. Redirects are not followed.
 */
export async function sendOnce(
  event: OutgoingEvent,
  options: SenderOptions,
  signal: AbortSignal,
): Promise<void> {
  const attempt = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    attempt.abort();
  }, options.attemptTimeoutMs);
  const stop = () => attempt.abort();
  signal.addEventListener('abort', stop, { once: true });
  const fail = (reason: string) => {
    throw new DeliveryAttemptError(reason.split(options.url).join(new URL(options.url).origin));
  };
  try {
    const response = await options
      .fetch(options.url, {
        method: 'POST',
        headers: headersFor(event, options),
        body: event.body,
        redirect: 'manual',
        signal: attempt.signal,
      })
      .catch((error: unknown) => {
        if (signal.aborted) return fail('cancelled: shutting down');
        return fail(timedOut ? `timed out after ${options.attemptTimeoutMs} ms` : reasonOf(error));
      });
    await response.body?.cancel().catch(() => undefined);
    if (response.status < 200 || response.status > 299) fail(`HTTP ${response.status}`);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', stop);
  }
}

function headersFor(event: OutgoingEvent, options: SenderOptions): Record<string, string> {
  const timestamp = Math.floor(options.clock.epochMs() / 1000);
  return {
    'Content-Type': 'application/json',
    'X-Health-Event': WEBHOOK_EVENT,
    'X-Health-Delivery': event.id,
    'X-Health-Timestamp': String(timestamp),
    'X-Health-Signature': signWebhook(options.secret, timestamp, event.body),
  };
}
