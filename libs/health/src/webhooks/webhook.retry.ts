import type { IBackoff } from 'cockatiel';
import { ExponentialBackoff, handleAll, retry } from 'cockatiel';
import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryOptions {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

/**
 * Runs `attempt` until it succeeds, up to `maxAttempts` times, waiting an exponential backoff
 * (cockatiel's `ExponentialBackoff`, decorrelated jitter) between attempts. Rejects with the
 * last error, or as soon as `signal` aborts.
 *
 * cockatiel's `maxAttempts` counts retries after the first attempt, hence the `- 1`. Its own
 * wait between attempts is a timer nothing can clear, which would outlive module destroy by up
 * to `maxDelayMs`; so cockatiel runs the attempts and picks the delays, and the wait happens
 * here, on a timer the signal clears.
 */
export class WebhookRetry {
  private readonly policy;
  private readonly backoff;

  constructor(options: RetryOptions) {
    this.policy = retry(handleAll, { maxAttempts: options.maxAttempts - 1 });
    this.backoff = new ExponentialBackoff({
      initialDelay: options.initialDelayMs,
      maxDelay: options.maxDelayMs,
    });
  }

  async run(attempt: (signal: AbortSignal) => Promise<void>, signal: AbortSignal): Promise<void> {
    let step: IBackoff<unknown> | undefined;
    await this.policy.execute(async ({ attempt: retries }) => {
      if (retries > 0) {
        step = step ? step.next(undefined) : this.backoff.next();
        await sleep(step.duration, undefined, { signal });
      }
      await attempt(signal);
    }, signal);
  }
}
