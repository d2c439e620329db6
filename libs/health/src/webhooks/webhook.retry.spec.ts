import { WebhookRetry } from './webhook.retry';

describe('WebhookRetry', () => {
  const never = new AbortController().signal;

  it('makes maxAttempts attempts in all, then rejects with the last error', async () => {
    let attempts = 0;
    const retry = new WebhookRetry({ maxAttempts: 4, initialDelayMs: 1, maxDelayMs: 2 });
    await expect(
      retry.run(async () => {
        attempts++;
        throw new Error(`attempt ${attempts}`);
      }, never),
    ).rejects.toThrow('attempt 4');
    expect(attempts).toBe(4);
  });

  it('makes one attempt when maxAttempts is 1, and stops at the first success', async () => {
    let attempts = 0;
    const once = new WebhookRetry({ maxAttempts: 1, initialDelayMs: 1, maxDelayMs: 1 });
    await expect(once.run(async () => void attempts++, never)).resolves.toBeUndefined();
    const flaky = new WebhookRetry({ maxAttempts: 5, initialDelayMs: 1, maxDelayMs: 1 });
    await flaky.run(async () => {
      if (++attempts < 3) throw new Error('not yet');
    }, never);
    expect(attempts).toBe(3);
  });

  it('waits between attempts no longer than maxDelayMs', async () => {
    const times: number[] = [];
    const retry = new WebhookRetry({ maxAttempts: 4, initialDelayMs: 40, maxDelayMs: 60 });
    await retry
      .run(async () => {
        times.push(Date.now());
        throw new Error('down');
      }, never)
      .catch(() => undefined);
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    expect(gaps).toHaveLength(3);
    for (const gap of gaps) expect(gap).toBeLessThan(60 + 50);
  });

  it('stops waiting at once when the signal aborts, leaving no timer behind', async () => {
    const lifecycle = new AbortController();
    let attempts = 0;
    const retry = new WebhookRetry({ maxAttempts: 5, initialDelayMs: 60_000, maxDelayMs: 60_000 });
    const run = retry.run(async () => {
      attempts++;
      throw new Error('down');
    }, lifecycle.signal);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const started = Date.now();
    lifecycle.abort();
    await expect(run).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(attempts).toBe(1);
  });
});
