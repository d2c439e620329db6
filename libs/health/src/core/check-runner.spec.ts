import { dateClock, never } from '../../../../test/support/fake-clock';
import type { CheckRun, ResolvedCheck, RunContext, RunOutcome } from './check-runner';
import { runCheck } from './check-runner';
import type { ComponentStatus, IndicatorResult } from './health-status';
import { HealthStatus } from './health-status';
import { Deadlines } from './deadlines';
import { Redactor } from '../shared/redact';

function resolved(
  check: (signal: AbortSignal) => unknown,
  overrides: Partial<ResolvedCheck> = {},
): ResolvedCheck {
  return {
    name: 'dep',
    indicator: { name: 'dep', check: check as (s: AbortSignal) => IndicatorResult },
    timeoutMs: 1000,
    retries: 1,
    retryBaseDelayMs: 100,
    critical: true,
    tags: [],
    cacheTtlMs: 0,
    failureCacheTtlMs: 0,
    abortable: check.length > 0,
    timeoutStatus: HealthStatus.DEGRADED,
    degradedAboveMs: 0,
    failuresBeforeUnhealthy: 1,
    successesBeforeHealthy: 1,
    enabled: true,
    mode: 'active',
    thresholds: {},
    ...overrides,
  };
}

describe('runCheck', () => {
  let shutdown: AbortController;
  let deadlines: Deadlines;
  let ctx: RunContext;

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_700_000_000_000 });
    shutdown = new AbortController();
    deadlines = new Deadlines(() => Date.now());
    // As in the engine: shutdown aborts the signal and wakes every wait.
    shutdown.signal.addEventListener('abort', () => deadlines.shutdown());
    ctx = {
      clock: dateClock,
      redactor: new Redactor(['top-secret-key']),
      shutdown: shutdown.signal,
      atDeadline: (at, callback) => deadlines.at(at, callback),
    };
  });

  afterEach(() => {
    expect(jest.getTimerCount()).toBe(0);
    jest.useRealTimers();
  });

  /** Runs the check to completion under fake time; returns its status and the elapsed fake ms. */
  async function run(
    check: ResolvedCheck,
  ): Promise<{ status: ComponentStatus; outcome: RunOutcome; elapsed: number }> {
    const start = Date.now();
    let result: CheckRun | undefined;
    const pending = runCheck(check, ctx).then((r) => (result = r));
    while (result === undefined) await jest.advanceTimersByTimeAsync(1);
    await pending;
    return { status: result.status, outcome: result.outcome, elapsed: Date.now() - start };
  }

  it('fills in the name and the response time measured by the engine, outcome ok', async () => {
    const check = resolved(async () => {
      await new Promise((r) => setTimeout(r, 40));
      return { status: HealthStatus.HEALTHY, message: 'fine', metadata: { a: 1 } };
    });
    const { status, outcome } = await run(check);
    expect(outcome).toBe('ok');
    expect(status).toEqual({
      name: 'dep',
      status: HealthStatus.HEALTHY,
      message: 'fine',
      response_time_ms: 40,
      metadata: { a: 1 },
    });
  });

  it('gives a default message and empty metadata when the indicator leaves them out', async () => {
    const { status } = await run(
      resolved(() => ({ status: HealthStatus.DEGRADED, message: '  ' })),
    );
    expect(status.message).toBe('dep is degraded');
    expect(status.metadata).toEqual({});
  });

  it('turns a synchronous throw into UNHEALTHY naming the component, after retrying', async () => {
    let calls = 0;
    const { status, outcome } = await run(
      resolved(() => {
        calls++;
        throw new Error('boom');
      }),
    );
    expect(calls).toBe(2);
    expect(status.status).toBe(HealthStatus.UNHEALTHY);
    expect(status.message).toBe('dep check failed: boom');
    expect(outcome).toBe('error');
    expect(status.metadata).toEqual({ attempts: 2 });
  });

  it('retries a rejection with exponential backoff from the base delay', async () => {
    const calledAt: number[] = [];
    const start = Date.now();
    const { status } = await run(
      resolved(
        async () => {
          calledAt.push(Date.now() - start);
          throw new Error('refused');
        },
        { retries: 3, timeoutMs: 5000 },
      ),
    );
    expect(calledAt).toEqual([0, 100, 300, 700]);
    expect(status.status).toBe(HealthStatus.UNHEALTHY);
    expect(status.metadata).toEqual({ attempts: 4 });
  });

  it('returns the first success after a failed attempt', async () => {
    let calls = 0;
    const { status, elapsed } = await run(
      resolved(async () => {
        if (++calls === 1) throw new Error('blip');
        return { status: HealthStatus.HEALTHY };
      }),
    );
    expect(calls).toBe(2);
    expect(elapsed).toBe(100);
    expect(status.status).toBe(HealthStatus.HEALTHY);
    expect(status.response_time_ms).toBe(100);
  });

  it('starts no retry whose backoff would pass the deadline', async () => {
    const calledAt: number[] = [];
    const start = Date.now();
    const { status, elapsed } = await run(
      resolved(
        async () => {
          calledAt.push(Date.now() - start);
          throw new Error('refused');
        },
        { retries: 5, timeoutMs: 250 },
      ),
    );
    // 0 and 100 fit; the next backoff (200 ms) would end at 300 > 250.
    expect(calledAt).toEqual([0, 100]);
    expect(elapsed).toBeLessThan(250);
    expect(status.status).toBe(HealthStatus.UNHEALTHY);
  });

  it('reports a check that never settles as DEGRADED at its timeout, aborts its signal, and does not retry it', async () => {
    let calls = 0;
    let seen: AbortSignal | undefined;
    const { status, elapsed, outcome } = await run(
      resolved(
        (signal) => {
          calls++;
          seen = signal;
          return never();
        },
        { timeoutMs: 50, retries: 3 },
      ),
    );
    expect(calls).toBe(1);
    expect(outcome).toBe('timeout');
    expect(elapsed).toBe(50);
    expect(status).toMatchObject({
      status: HealthStatus.DEGRADED,
      message: 'dep timed out after 50 ms',
      response_time_ms: 50,
    });
    expect(seen?.aborted).toBe(true);
    expect((seen?.reason as DOMException).name).toBe('TimeoutError');
  });

  it('bounds the whole check, retries included, by one timeout', async () => {
    let calls = 0;
    const { status, elapsed } = await run(
      resolved(
        async () => {
          if (++calls === 1) throw new Error('fast failure');
          return never();
        },
        { timeoutMs: 300, retries: 2 },
      ),
    );
    expect(calls).toBe(2);
    expect(elapsed).toBe(300);
    expect(status.status).toBe(HealthStatus.DEGRADED);
    expect(status.message).toBe('dep timed out after 300 ms');
  });

  it.each<[string, unknown, RegExp]>([
    ['undefined', undefined, /expected an object with a status, got undefined/],
    ['null', null, /got null/],
    ['a bare status string', 'healthy', /got "healthy"/],
    ['an array', [], /got an array/],
    ['a number', 42, /got number 42/],
    ['an unknown status', { status: 'ok' }, /status "ok" is not healthy, degraded or unhealthy/],
    ['a missing status', { message: 'hi' }, /status undefined is not/],
    [
      'a non-string message',
      { status: 'healthy', message: 5 },
      /message must be a string, got number 5/,
    ],
    [
      'array metadata',
      { status: 'healthy', metadata: [] },
      /metadata must be an object, got an array/,
    ],
    [
      'null metadata',
      { status: 'healthy', metadata: null },
      /metadata must be an object, got null/,
    ],
    ['a function', () => 1, /got a function/],
  ])('turns %s into UNHEALTHY without retrying', async (_label, value, reason) => {
    let calls = 0;
    const { status, outcome } = await run(
      resolved(() => {
        calls++;
        return value;
      }),
    );
    expect(outcome).toBe('invalid');
    expect(calls).toBe(1);
    expect(status.status).toBe(HealthStatus.UNHEALTHY);
    expect(status.message).toMatch(/^dep check returned an invalid result: /);
    expect(status.message).toMatch(reason);
  });

  it('rejects metadata JSON cannot hold', async () => {
    const metadata: Record<string, unknown> = {};
    metadata.self = metadata;
    const { status } = await run(resolved(() => ({ status: HealthStatus.HEALTHY, metadata })));
    expect(status.status).toBe(HealthStatus.UNHEALTHY);
    expect(status.message).toMatch(/metadata is not JSON-serializable/);
  });

  it.each<[string, unknown, string]>([
    ['a string', 'socket hang up', 'dep check failed: socket hang up'],
    ['undefined', undefined, 'dep check failed: threw undefined'],
    ['an object', { code: 1 }, 'dep check failed: threw an object'],
    ['an Error without a message', new TypeError(), 'dep check failed: TypeError'],
    [
      'an error from another realm',
      { name: 'Error', message: 'cross-realm' },
      'dep check failed: cross-realm',
    ],
  ])('names what was thrown when it is %s', async (_label, thrown, message) => {
    const { status } = await run(
      resolved(
        () => {
          throw thrown;
        },
        { retries: 0 },
      ),
    );
    expect(status.message).toBe(message);
  });

  it('redacts secrets from messages and metadata', async () => {
    const { status } = await run(
      resolved(() => ({
        status: HealthStatus.HEALTHY,
        message: 'using top-secret-key at redis://u:pw@host',
        metadata: { url: 'redis://u:pw@host', key: 'top-secret-key' },
      })),
    );
    expect(status.message).toBe('using *** at redis://u:***@host');
    expect(JSON.stringify(status)).not.toMatch(/top-secret-key|:pw@/);

    const failed = await run(
      resolved(
        () => {
          throw new Error('401 for key top-secret-key');
        },
        { retries: 0 },
      ),
    );
    expect(failed.status.message).toBe('dep check failed: 401 for key ***');
  });

  describe('baseMetadata', () => {
    const withBase = (base: unknown, check: (signal: AbortSignal) => unknown, extra = {}) => {
      const resolvedCheck = resolved(check, extra);
      Object.defineProperty(resolvedCheck.indicator, 'baseMetadata', { get: () => base });
      return resolvedCheck;
    };
    const base = { provider: 'gemini', has_api_key: true, url: 'redis://u:pw@h' };

    it('is merged under the result metadata, which wins on a clash', async () => {
      const { status } = await run(
        withBase(base, () => ({ status: HealthStatus.HEALTHY, metadata: { has_api_key: false } })),
      );
      expect(status.metadata).toEqual({
        provider: 'gemini',
        has_api_key: false,
        url: 'redis://u:***@h',
      });
    });

    it('is kept on the statuses the engine makes: timeout, error, invalid result', async () => {
      const timedOut = await run(withBase(base, () => never(), { timeoutMs: 20 }));
      const failed = await run(
        withBase(base, () => Promise.reject(new Error('x')), { retries: 0 }),
      );
      const invalid = await run(withBase(base, () => 'garbage'));
      expect(timedOut.status.metadata).toEqual({
        provider: 'gemini',
        has_api_key: true,
        url: 'redis://u:***@h',
      });
      expect(failed.status.metadata).toMatchObject({ provider: 'gemini', attempts: 1 });
      expect(invalid.status.metadata).toMatchObject({ provider: 'gemini' });
    });

    it('is ignored when malformed or when reading it throws', async () => {
      const throwing = resolved(() => ({ status: HealthStatus.HEALTHY }));
      Object.defineProperty(throwing.indicator, 'baseMetadata', {
        get: () => {
          throw new Error('getter bug');
        },
      });
      expect((await run(throwing)).status.metadata).toEqual({});
      expect(
        (await run(withBase(['a'], () => ({ status: HealthStatus.HEALTHY })))).status.metadata,
      ).toEqual({});
      expect(
        (await run(withBase(null, () => ({ status: HealthStatus.HEALTHY })))).status.metadata,
      ).toEqual({});
    });
  });

  it('finishes a synchronous check without arming any timer', async () => {
    const { status } = await runCheck(
      resolved(() => ({ status: HealthStatus.HEALTHY })),
      ctx,
    );
    expect(status.status).toBe(HealthStatus.HEALTHY);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('gives a check that declares no signal parameter a signal that never aborts', async () => {
    let seen: AbortSignal | undefined;
    const { status } = await run(
      resolved(
        function (this: unknown, ...rest: unknown[]) {
          seen = rest[0] as AbortSignal;
          return never();
        },
        { timeoutMs: 20 },
      ),
    );
    expect(status.message).toBe('dep timed out after 20 ms');
    expect(seen).toBeInstanceOf(AbortSignal);
    expect(seen?.aborted).toBe(false);
  });

  it('treats a thenable that is not a Promise like a promise', async () => {
    const thenable = { then: (ok: (v: unknown) => void) => ok({ status: HealthStatus.DEGRADED }) };
    const { status } = await run(resolved(() => thenable));
    expect(status.status).toBe(HealthStatus.DEGRADED);
  });

  it('truncates very long messages', async () => {
    const { status } = await run(
      resolved(() => ({ status: HealthStatus.HEALTHY, message: 'x'.repeat(1000) })),
    );
    expect(status.message).toHaveLength(300);
    expect(status.message.endsWith('…')).toBe(true);
  });

  it('cancels a running check at shutdown and its waits end', async () => {
    let seen: AbortSignal | undefined;
    const pending = runCheck(
      resolved((signal) => {
        seen = signal;
        return never();
      }),
      ctx,
    );
    await jest.advanceTimersByTimeAsync(10);
    shutdown.abort();
    const { status, outcome } = await pending;
    expect(outcome).toBe('cancelled');
    expect(status.status).toBe(HealthStatus.DEGRADED);
    expect(status.message).toBe('dep check cancelled: shutting down');
    expect(seen?.aborted).toBe(true);
  });

  it('cuts a backoff wait short at shutdown and does not retry after it', async () => {
    let calls = 0;
    const pending = runCheck(
      resolved(
        () => {
          calls++;
          throw new Error('down');
        },
        { retries: 3, retryBaseDelayMs: 500 },
      ),
      ctx,
    );
    await jest.advanceTimersByTimeAsync(10);
    shutdown.abort();
    const { status, outcome } = await pending;
    expect(outcome).toBe('cancelled');
    expect(calls).toBe(1);
    expect(status.message).toBe('dep check cancelled: shutting down');
  });

  it('does not start a check once shut down', async () => {
    shutdown.abort();
    let calls = 0;
    const { status } = await runCheck(
      resolved(() => {
        calls++;
        return { status: HealthStatus.HEALTHY };
      }),
      ctx,
    );
    expect(status.status).toBe(HealthStatus.DEGRADED);
    expect(calls).toBe(0);
  });
});
