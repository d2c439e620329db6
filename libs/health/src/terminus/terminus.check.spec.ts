/**
 * The adapter, run by the real engine. Jest (CommonJS here) cannot load Terminus 12, an ES module,
 * so the results below are written out in Terminus's exact shapes (HealthIndicatorService's `up`,
 * `down`, `degraded`, a HealthCheckAttempt-like thenable, Terminus 11's HealthCheckError); the
 * e2e suite runs the real indicators side by side with Terminus's own HealthCheckService.
 */
import { HealthConfigurationError } from '../shared/errors';
import type { SystemHealthStatus } from '../core/health-status';
import { HealthStatus } from '../core/health-status';
import { HealthService } from '../core/health.service';
import type { HealthModuleOptions } from '../health.options';
import { fromTerminusResult, terminusCheck, TerminusResultError } from './terminus.check';
import type { TerminusIndicatorResult } from './terminus.types';

/** Terminus 11's HealthCheckError, as it is declared there (removed in Terminus 12). */
class HealthCheckError extends Error {
  causes: unknown;
  isHealthCheckError = true;
  constructor(message: string, causes: unknown) {
    super(message);
    this.causes = causes;
  }
}

/** Terminus 11's StorageExceededError: what its memory and disk indicators threw. */
class StorageExceededError extends HealthCheckError {
  constructor(keyword: string, causes: unknown) {
    super(`Used ${keyword} exceeded the set threshold`, causes);
  }
}

/** A Terminus 12 HealthCheckAttempt: a thenable that runs its function on every `then`. */
class Attempt implements PromiseLike<TerminusIndicatorResult> {
  runs = 0;
  constructor(
    private readonly key: string,
    private readonly fn: () => Promise<Record<string, unknown>>,
  ) {}

  then<A = TerminusIndicatorResult, B = never>(
    onFulfilled?: ((value: TerminusIndicatorResult) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): PromiseLike<A | B> {
    this.runs++;
    const { key } = this;
    return this.fn()
      .then(
        (data): TerminusIndicatorResult => ({ [key]: { ...data, responseTime: 0, status: 'up' } }),
        (error: Error): TerminusIndicatorResult => ({
          [key]: { message: error.message, responseTime: 0, status: 'down' },
        }),
      )
      .then(onFulfilled, onRejected);
  }
}

const up = (key: string, data: Record<string, unknown> = {}): TerminusIndicatorResult => ({
  [key]: { ...data, status: 'up' },
});
const down = (key: string, data: Record<string, unknown> = {}): TerminusIndicatorResult => ({
  [key]: { ...data, status: 'down' },
});

describe('terminusCheck', () => {
  let service: HealthService | undefined;
  const engine = (options: HealthModuleOptions = {}) =>
    (service = new HealthService({ evaluationIntervalMs: 0, retryBaseDelayMs: 1, ...options }));

  afterEach(() => {
    service?.onModuleDestroy();
    service = undefined;
  });

  async function runOne(
    check: ReturnType<typeof terminusCheck>,
    options: HealthModuleOptions = {},
  ) {
    const health = engine({ checks: [check], ...options });
    return health.checkComponent(check.name);
  }

  describe('mapping', () => {
    it('up is HEALTHY, its details the metadata', async () => {
      const status = await runOne(
        terminusCheck('heap', () => Promise.resolve(up('heap', { usedBytes: 10 }))),
      );
      expect(status).toEqual(
        expect.objectContaining({
          name: 'heap',
          status: HealthStatus.HEALTHY,
          message: 'heap is up',
          metadata: { usedBytes: 10 },
        }),
      );
    });

    it('down is UNHEALTHY, with its message and details', async () => {
      const result = down('docs', { message: 'connect ECONNREFUSED 127.0.0.1:1', statusCode: 502 });
      const status = await runOne(terminusCheck('docs', async () => result));
      expect(status).toEqual(
        expect.objectContaining({
          status: HealthStatus.UNHEALTHY,
          message: 'connect ECONNREFUSED 127.0.0.1:1',
          metadata: { message: 'connect ECONNREFUSED 127.0.0.1:1', statusCode: 502 },
        }),
      );
    });

    it('down takes the configured downStatus', async () => {
      const status = await runOne(
        terminusCheck('rss', async () => down('rss'), { downStatus: HealthStatus.DEGRADED }),
      );
      expect([status.status, status.message]).toEqual([HealthStatus.DEGRADED, 'rss is down']);
    });

    it("Terminus 12's degraded is DEGRADED", async () => {
      const result = { queue: { status: 'degraded' as const, message: 'lagging', lag: 40 } };
      const status = await runOne(terminusCheck('queue', () => result));
      expect([status.status, status.message, status.metadata]).toEqual([
        HealthStatus.DEGRADED,
        'lagging',
        { message: 'lagging', lag: 40 },
      ]);
    });

    it('a synchronous result, and a result under another key, are read the same', async () => {
      const status = await runOne(terminusCheck('memory', () => up('memory_heap')));
      expect([status.status, status.message]).toEqual([HealthStatus.HEALTHY, 'memory_heap is up']);
    });

    it('several keys: the worst wins, the whole result is the metadata', async () => {
      const result = {
        a: { status: 'up' as const },
        b: { status: 'down' as const, message: 'gone' },
        c: { status: 'degraded' as const },
      };
      expect(fromTerminusResult(result, HealthStatus.UNHEALTHY)).toEqual({
        status: HealthStatus.UNHEALTHY,
        message: 'b: gone; c is degraded',
        metadata: result,
      });
      const degraded = { a: { status: 'up' as const }, c: { status: 'degraded' as const } };
      expect(fromTerminusResult(degraded, HealthStatus.UNHEALTHY).status).toBe(
        HealthStatus.DEGRADED,
      );
      const allUp = { a: { status: 'up' as const }, b: { status: 'up' as const } };
      expect(fromTerminusResult(allUp, HealthStatus.UNHEALTHY)).toEqual({
        status: HealthStatus.HEALTHY,
        metadata: allUp,
      });
    });

    it('a HealthCheckAttempt given as it is runs again on every evaluation', async () => {
      let calls = 0;
      const work = new Attempt('db', async () => {
        calls++;
        if (calls === 2) throw new Error('connection reset');
        return { rows: 1 };
      });
      const health = engine({ checks: [terminusCheck('db', work)] });
      const first = await health.checkComponent('db');
      const second = await health.checkComponent('db');
      expect(work.runs).toBe(2);
      expect([first.status, first.metadata]).toEqual([
        HealthStatus.HEALTHY,
        { rows: 1, responseTime: 0 },
      ]);
      expect([second.status, second.message]).toEqual([HealthStatus.UNHEALTHY, 'connection reset']);
    });
  });

  describe("Terminus 11's HealthCheckError", () => {
    it('is UNHEALTHY with its causes as metadata, not retried', async () => {
      let calls = 0;
      const check = terminusCheck('heap', async () => {
        calls++;
        throw new StorageExceededError(
          'heap',
          down('heap', { message: 'Used heap exceeded the set threshold' }),
        );
      });
      const status = await runOne(check, { retries: 3 });
      expect(calls).toBe(1);
      expect(status).toEqual(
        expect.objectContaining({
          status: HealthStatus.UNHEALTHY,
          message: 'Used heap exceeded the set threshold',
          metadata: { message: 'Used heap exceeded the set threshold' },
        }),
      );
      expect(service!.runOf(status)?.outcome).toBe('ok');
    });

    it('counts as down whatever its causes say, and takes downStatus', async () => {
      const check = terminusCheck(
        'legacy',
        () =>
          Promise.reject(new HealthCheckError('Legacy check failed', up('legacy', { note: 1 }))),
        { downStatus: HealthStatus.DEGRADED },
      );
      const status = await runOne(check);
      expect([status.status, status.message, status.metadata]).toEqual([
        HealthStatus.DEGRADED,
        'legacy is up',
        { note: 1 },
      ]);
    });

    it('without usable causes: its own message', async () => {
      const status = await runOne(
        terminusCheck('legacy', async () => {
          throw new HealthCheckError('Legacy check failed', 'not a result');
        }),
      );
      expect([status.status, status.message, status.metadata]).toEqual([
        HealthStatus.UNHEALTHY,
        'Legacy check failed',
        {},
      ]);
      const bare = { isHealthCheckError: true, causes: undefined, message: 42 };
      const other = await runOne(terminusCheck('bare', () => Promise.reject(bare)));
      expect([other.status, other.message]).toEqual([HealthStatus.UNHEALTHY, 'bare is unhealthy']);
    });
  });

  describe('the engine applies as to any check', () => {
    it('any other throw is a failed run: retried, then UNHEALTHY with the error', async () => {
      let calls = 0;
      const check = terminusCheck('disk', async () => {
        calls++;
        throw Object.assign(new Error("ENOENT: no such file or directory, statfs '/nope'"), {
          code: 'ENOENT',
        });
      });
      const status = await runOne(check, { retries: 2 });
      expect(calls).toBe(3);
      expect(status).toEqual(
        expect.objectContaining({
          status: HealthStatus.UNHEALTHY,
          message: "disk check failed: ENOENT: no such file or directory, statfs '/nope'",
          metadata: { attempts: 3 },
        }),
      );
    });

    it('a hung indicator times out with the timeout status', async () => {
      const hung = terminusCheck('docs', () => new Promise<never>(() => undefined), {
        timeoutMs: 50,
        timeoutStatus: HealthStatus.UNHEALTHY,
      });
      const status = await runOne(hung);
      expect([status.status, status.message]).toEqual([
        HealthStatus.UNHEALTHY,
        'docs timed out after 50 ms',
      ]);
      expect(service!.runOf(status)?.outcome).toBe('timeout');
    });

    it('single-flight and the result cache: concurrent and cached evaluations call it once', async () => {
      let calls = 0;
      let release: () => void = () => undefined;
      const check = terminusCheck(
        'heap',
        () => {
          calls++;
          return new Promise<TerminusIndicatorResult>((resolve) => {
            release = () => resolve(up('heap'));
          });
        },
        { cacheTtlMs: 60_000 },
      );
      const health = engine({ checks: [check] });
      const pending = [health.check(), health.check(), health.checkComponent('heap')];
      await new Promise((resolve) => setImmediate(resolve));
      release();
      const [a, b] = (await Promise.all(pending)) as SystemHealthStatus[];
      await health.check();
      expect(calls).toBe(1);
      expect(a.components[0].status).toBe(HealthStatus.HEALTHY);
      expect(b).toBe(a);
    });

    it("messages and details are redacted like any check's", async () => {
      const secret = 'sk-terminus-secret-1234';
      const check = terminusCheck('docs', async () =>
        down('docs', {
          message: `GET https://user:hunter2@example.com/?token=${secret} failed`,
          url: `https://example.com/?api_key=abc123&x=${secret}`,
        }),
      );
      const status = await runOne(check, { secrets: [secret] });
      const text = JSON.stringify(status);
      expect(text).not.toContain('hunter2');
      expect(text).not.toContain(secret);
      expect(text).not.toContain('abc123');
      expect(status.message).toBe('GET https://user:***@example.com/?token=*** failed');
    });

    it('report listeners (metrics, trends, webhooks) see it like any check', async () => {
      let verdict = down('heap', { message: 'Used heap exceeded the set threshold' });
      const health = engine({ checks: [terminusCheck('heap', async () => verdict)] });
      const seen: string[] = [];
      health.onReport((report) => void seen.push(report.overall_status));
      await health.check();
      verdict = up('heap');
      await health.check();
      expect(seen).toEqual([HealthStatus.UNHEALTHY, HealthStatus.HEALTHY]);
    });

    it('can be registered at runtime and tagged for readiness', async () => {
      const health = engine();
      health.register(
        terminusCheck('heap', () => up('heap'), { tags: ['ready'], critical: false }),
      );
      expect(health.registry.entries.get('heap')?.check).toMatchObject({
        critical: false,
        tags: ['ready'],
      });
      expect(health.hasTag('ready')).toBe(true);
    });
  });

  describe('invalid results fail the run, naming the problem', () => {
    const cases: [string, unknown, RegExp][] = [
      ['our own result shape', { status: 'healthy' }, /"status" has status undefined/],
      ['undefined', undefined, /got undefined/],
      ['an array', [], /got an array/],
      ['an empty object', {}, /no key in it/],
      [
        'a bad status',
        { heap: { status: 'ok' } },
        /"heap" has status "ok" \(expected up, degraded or down\)/,
      ],
      ['a key that is not an object', { heap: 'up' }, /"heap" has status undefined/],
    ];

    it.each(cases)('%s', async (_label, value, expected) => {
      expect(() => fromTerminusResult(value, HealthStatus.UNHEALTHY)).toThrow(TerminusResultError);
      const status = await runOne(
        terminusCheck('bad', () => value as never),
        { retries: 0 },
      );
      expect(status.status).toBe(HealthStatus.UNHEALTHY);
      expect(status.message).toMatch(/^bad check failed: returned an invalid Terminus result: /);
      expect(status.message).toMatch(expected);
    });
  });

  describe('bad arguments are refused when the check is made', () => {
    it('an already-started Promise, saying why', () => {
      const started = Promise.resolve(up('heap'));
      expect(() => terminusCheck('heap', started)).toThrow(HealthConfigurationError);
      expect(() => terminusCheck('heap', started)).toThrow(
        /terminusCheck\("heap"\).*a Promise has settled once and would answer the same forever/,
      );
    });

    it('something that is neither a function nor a HealthCheckAttempt', () => {
      expect(() => terminusCheck('heap', 42 as never)).toThrow(
        /Invalid setting terminusCheck\("heap"\): 42 \(expected a function such as \(\) => memory\.checkHeap/,
      );
      expect(() => terminusCheck('heap', null as never)).toThrow(/terminusCheck\("heap"\)/);
    });

    it('a downStatus that is not degraded or unhealthy', () => {
      expect(() =>
        terminusCheck('heap', () => up('heap'), { downStatus: HealthStatus.HEALTHY }),
      ).toThrow(
        /terminusCheck\("heap"\)\.downStatus: "healthy" \(expected degraded or unhealthy\)/,
      );
      expect(() =>
        terminusCheck('heap', () => up('heap'), { downStatus: 'down' as never }),
      ).toThrow(/downStatus/);
    });

    it('options that are not an object', () => {
      expect(() => terminusCheck('heap', () => up('heap'), 'fast' as never)).toThrow(
        /terminusCheck\("heap"\) options/,
      );
    });

    it('a bad name or option is refused at registration, like any check', () => {
      expect(() => engine({ checks: [terminusCheck('Heap Check', () => up('heap'))] })).toThrow(
        /Heap Check/,
      );
      expect(() =>
        engine({ checks: [terminusCheck('heap', () => up('heap'), { timeoutMs: -1 })] }),
      ).toThrow(/timeoutMs/);
    });
  });
});
