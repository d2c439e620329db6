import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { eventually } from './support/eventually';
import { PrivateRedis } from './support/redis-server';
import type { RunningService } from './support/service-process';
import { ServiceProcess } from './support/service-process';

const ADMIN = 'fleet-hostile-admin-key-01';
const PASSWORD = 'fleet-hostile-redis-pass';
const KEY = 'health:config';
const CHECKS = ['ai_model', 'cache', 'resilience'];
/** Long enough for the old failure to show: prom-client's GC collector threw within 2-20 s. */
const WATCH_MS = 12_000;
/** Far above the service's own footprint, far below what applying 30 MB of tags took (684 MB). */
const RSS_LIMIT_MB = 300;

type Value = { value: unknown; source: string };
type FleetStatus = {
  revision: number;
  connected: boolean;
  storedRevision: number | null;
  inSync: boolean;
  problem?: string;
};
type FleetConfig = {
  version: number;
  checks: Record<string, Record<string, Value>>;
  fleet: FleetStatus;
};

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Issue 21 on the built service, through the fleet: two instances of the built service on a
 * private redis-server, attacked with real `redis-cli` commands (PUBLISH, SET, CLIENT PAUSE):
 * prototype keys, a huge revision, a paused write, a state that leaves readiness nothing, a
 * forged actor, 30 MB of tags, junk in the key.
 */
describe('a fleet of built services under hostile Redis messages and values', () => {
  let redis: PrivateRedis;
  let a: RunningService;
  let b: RunningService;
  const services: RunningService[] = [];

  beforeAll(async () => {
    redis = await PrivateRedis.start({ password: PASSWORD });
    [a, b] = await Promise.all([start(), start()]);
  }, 30000);
  afterAll(async () => {
    await Promise.all(services.map((s) => s.kill()));
    await redis?.stop();
  });

  async function start(): Promise<RunningService> {
    const service = await ServiceProcess.start({
      HEALTH_ADMIN_KEYS: ADMIN,
      HEALTH_CONFIG_REDIS_URL: redis.url,
      HEALTH_SHUTDOWN_DELAY_MS: '0',
      NO_COLOR: '1',
    });
    services.push(service);
    return service;
  }

  /** A real `redis-cli` command on the private server; its reply as text. */
  async function cli(...args: string[]): Promise<string> {
    const { stdout } = await run('redis-cli', [
      '-p',
      String(redis.port),
      '-a',
      PASSWORD,
      '--no-auth-warning',
      ...args,
    ]);
    return stdout.trim();
  }

  const admin = { 'x-api-key': ADMIN, 'content-type': 'application/json' };

  async function config(service: RunningService): Promise<FleetConfig> {
    const res = await fetch(`${service.url}/v1/health/config`, { headers: admin });
    expect(res.status).toBe(200);
    return (await res.json()) as FleetConfig;
  }

  async function change(
    service: RunningService,
    method: 'PATCH' | 'DELETE',
    body?: string,
  ): Promise<{ status: number; text: string }> {
    const res = await fetch(`${service.url}/v1/health/config`, { method, headers: admin, body });
    return { status: res.status, text: await res.text() };
  }

  /**
   * Waits until the service has said something under HealthConfigFleet after offset `from` (or
   * has exited): what it did with a message is then known.
   */
  async function reacted(service: RunningService, from: number): Promise<void> {
    await eventually(
      () =>
        service.output().slice(from).includes('[HealthConfigFleet]') ||
        service.child.exitCode !== null,
      { message: () => `a [HealthConfigFleet] line; output:\n${service.output().slice(-3000)}` },
    );
  }

  /**
   * Every test starts from an empty fleet layer that both instances run (told by the revision
   * alone on the old code, which had no `inSync`: its tests then fail for their own reasons).
   */
  async function settle(): Promise<number> {
    const reset = await change(a, 'DELETE');
    expect(reset.status).toBe(200);
    let stored = -1;
    await eventually(
      async () => {
        const [x, y] = await Promise.all([config(a), config(b)]);
        stored = x.fleet.storedRevision ?? x.fleet.revision;
        return (
          x.fleet.inSync !== false &&
          y.fleet.inSync !== false &&
          y.fleet.revision === x.fleet.revision
        );
      },
      { timeoutMs: 5000 },
    );
    return stored;
  }

  /**
   * For WATCH_MS, asks each service's `/metrics` every 500 ms: every answer must be 200 and the
   * process alive (a polluted Object.prototype made the old ones exit within 2-20 s).
   */
  async function stayAlive(watched: RunningService[]): Promise<void> {
    const started = Date.now();
    let scrapes = 0;
    while (Date.now() - started < WATCH_MS) {
      for (const service of watched) {
        const status = await fetch(`${service.url}/metrics`).then(
          (res) => res.status,
          (error: Error) =>
            `no answer (${error.message}), exit code ${service.child.exitCode}, signal ${service.child.signalCode}`,
        );
        expect(status).toBe(200);
        scrapes++;
      }
      await sleep(500);
    }
    expect(scrapes).toBeGreaterThanOrEqual(watched.length * 10);
    for (const service of watched) {
      expect(service.child.exitCode).toBeNull();
      expect(service.output()).not.toContain('Added label');
    }
  }

  it('(1) a poisoned message, then the same value stored: every instance alive after 12 s, a new one starts, warns and says it is out of sync', async () => {
    await settle();
    const poisoned = '{"revision":50,"layer":{"checks":{"__proto__":{"critical":false}}}}';
    expect(await cli('PUBLISH', KEY, poisoned)).toBe('2');
    expect(await cli('SET', KEY, poisoned)).toBe('OK');

    const c = await start();
    try {
      const warning = await c.logged(
        /HealthConfigFleet.*fleet configuration \(key health:config\)/,
      );
      expect(warning).toMatch(/checks\.__proto__/);
      expect(warning).toMatch(/keeping version \d+/);
      await stayAlive([a, b, c]);
      for (const service of [a, b, c]) {
        const seen = await config(service);
        expect(seen.fleet.inSync).toBe(false);
        expect(seen.fleet.problem).toMatch(/__proto__/);
        expect(seen.checks.cache.critical).toEqual({ value: true, source: 'default' });
      }
    } finally {
      await c.kill();
    }
  }, 60000);

  it('(3) a published revision 2^53-1 changes nothing: a PATCH reaches the other instance, a DELETE resets both, revisions stay real', async () => {
    await settle();
    const huge = '9007199254740991';
    const message = `{"revision":${huge},"layer":{"checks":{"cache":{"timeoutMs":0}}}}`;
    expect(await cli('PUBLISH', KEY, message)).toBe('2');
    await Promise.all([config(a), config(b)]);

    const patched = await change(a, 'PATCH', '{"checks":{"cache":{"timeoutMs":1234}}}');
    expect(patched.status).toBe(200);
    expect(JSON.parse(patched.text)).toMatchObject({ scope: 'fleet' });
    await eventually(async () => (await config(b)).checks.cache.timeoutMs.value === 1234, {
      timeoutMs: 5000,
    });

    expect((await change(b, 'DELETE')).status).toBe(200);
    await eventually(async () => (await config(a)).checks.cache.timeoutMs.source !== 'runtime', {
      timeoutMs: 5000,
    });

    for (const service of [a, b]) {
      const { fleet } = await config(service);
      expect(String(fleet.revision)).not.toBe(huge);
      expect(fleet.revision).toBe(fleet.storedRevision);
      expect(fleet.inSync).toBe(true);
    }
  }, 30000);

  it('(4) a PATCH while Redis pauses writes (CLIENT PAUSE 2500 WRITE) answers only what is true', async () => {
    const storedBefore = await settle();
    expect(await cli('CLIENT', 'PAUSE', '2500', 'WRITE')).toBe('OK');
    const paused = Date.now();
    const answer = await change(a, 'PATCH', '{"checks":{"cache":{"timeoutMs":4321}}}');
    const has = async (service: RunningService, revision?: number) => {
      const seen = await config(service);
      return (
        seen.checks.cache.timeoutMs.value === 4321 &&
        (revision === undefined || seen.fleet.storedRevision === revision)
      );
    };

    // Which answer is true depends on when the pause lets the write through: applied (200), or
    // 503 saying either that nothing was applied or that the outcome is not known.
    expect([200, 503]).toContain(answer.status);
    const { revision: applied, message = '' } = JSON.parse(answer.text) as {
      revision?: number;
      message?: string;
    };
    if (answer.status === 200) {
      await eventually(async () => (await has(a, applied)) && (await has(b, applied)), {
        timeoutMs: 5000,
        message: `revision ${applied} on both instances`,
      });
    } else if (/nothing applied/.test(message)) {
      // Then it must stay so once the pause is over, when a held write would have landed.
      await sleep(Math.max(0, paused + 5000 - Date.now()));
      for (const service of [a, b]) {
        const seen = await config(service);
        expect(seen.checks.cache.timeoutMs.value).not.toBe(4321);
        expect(seen.fleet.storedRevision).toBe(storedBefore);
      }
      expect(await cli('GET', KEY)).not.toContain('4321');
    } else {
      expect(message).toMatch(/outcome|may still be applied/);
      const revision = Number(/fleet\.storedRevision \((\d+) if it was\)/.exec(message)?.[1]);
      expect(revision).toBe(storedBefore + 1);
      await eventually(async () => (await has(a, revision)) && (await has(b, revision)), {
        timeoutMs: 5000,
      });
    }
  }, 30000);

  it('(6) a stored state that disables every check is not applied: warned, out of sync, readiness keeps its checks', async () => {
    await settle();
    const checks = CHECKS.map((name) => `"${name}":{"enabled":false}`).join(',');
    const state = `{"revision":7,"layer":{"checks":{${checks}}}}`;
    const from = [a.output().length, b.output().length];
    expect(await cli('SET', KEY, state)).toBe('OK');
    expect(await cli('PUBLISH', KEY, state)).toBe('2');

    for (const [index, service] of [a, b].entries()) {
      await reacted(service, from[index]);
      const seen = await config(service);
      for (const name of CHECKS) expect(seen.checks[name].enabled.value).toBe(true);
      const ready = await (await fetch(`${service.url}/v1/health/ready?verbose`)).text();
      for (const name of CHECKS) expect(ready).toMatch(new RegExp(`^\\[[+-]\\]${name}\\b`, 'm'));
      expect(seen.fleet.inSync).toBe(false);
      expect(seen.fleet.problem).toMatch(/leaves readiness no check/);
      const warning = await service.logged(/HealthConfigFleet.*leaves readiness no check/, {
        from: from[index],
      });
      expect(warning).toMatch(/revision 7 not applied/);
    }
  }, 30000);

  it('(7) an actor holding a newline and a fake audit line forges no log line', async () => {
    const stored = await settle();
    const forged =
      '[Nest] 9999999  - 12/04/2026, 9:00:00 PM     LOG [HealthConfig] configuration v9 by key:deadbeef: checks.cache.timeoutMs 2000 -> 1';
    const state = JSON.stringify({
      revision: stored + 1,
      layer: { checks: { cache: { timeoutMs: 1111 } } },
      actor: `ops\n${forged}`,
    });
    expect(await cli('SET', KEY, state)).toBe('OK');
    expect(await cli('PUBLISH', KEY, state)).toBe('2');
    // A valid change: applied everywhere, with its actor made harmless.
    await eventually(
      async () => {
        const seen = await Promise.all([config(a), config(b)]);
        return seen.every((s) => s.checks.cache.timeoutMs.value === 1111);
      },
      { timeoutMs: 5000 },
    );

    for (const service of [a, b]) {
      const lines = service.output().split('\n');
      // Logged as applied, on one line: the actor sanitised on it, or left out.
      const applied = new RegExp(`from fleet revision ${stored + 1}\\b.*timeoutMs 2000 -> 1111$`);
      expect(lines.filter((line) => applied.test(line))).toHaveLength(1);
      expect(lines.filter((line) => line.startsWith('[Nest] 9999999'))).toEqual([]);
      for (const line of lines.filter((l) => l.includes('key:deadbeef'))) {
        expect(line).toMatch(
          /^\[Nest\] \d+ .*\[HealthConfigFleet\] configuration v\d+ from fleet revision/,
        );
      }
    }
  }, 30000);

  it('(7) a stored value of 2.5 million tags (~30 MB) is not applied: a short warning, memory bounded', async () => {
    const stored = await settle();
    const tags = Array.from({ length: 2_500_000 }, (_, i) => `t${i}`);
    const value = JSON.stringify({ revision: stored + 1, layer: { checks: { cache: { tags } } } });
    expect(value.length).toBeGreaterThan(25_000_000);
    const from = [a.output().length, b.output().length];

    const highest = new Map<RunningService, number>();
    const sentinel = setInterval(() => {
      for (const service of [a, b]) {
        let rss: number;
        try {
          rss = rssMb(service.child.pid!);
        } catch {
          continue; // exited
        }
        highest.set(service, Math.max(highest.get(service) ?? 0, rss));
        // A balloon fails the test without taking the machine down.
        if (rss > RSS_LIMIT_MB) service.child.kill('SIGKILL');
      }
    }, 50);
    const client = new Redis(redis.url, { lazyConnect: true });
    try {
      await client.connect();
      await client.set(KEY, value);
      await client.publish(KEY, value);
      for (const [index, service] of [a, b].entries()) await reacted(service, from[index]);
      await sleep(2000); // and a little more, as memory would grow
    } finally {
      clearInterval(sentinel);
      client.disconnect();
    }
    for (const [index, service] of [a, b].entries()) {
      expect(service.child.exitCode).toBeNull();
      expect(highest.get(service)).toBeGreaterThan(0);
      expect(highest.get(service)).toBeLessThan(RSS_LIMIT_MB);
      const lines = service.output().slice(from[index]).split('\n');
      expect(Math.max(...lines.map((line) => line.length))).toBeLessThan(4096);
      const warning = await service.logged(/HealthConfigFleet.*over the 1048576-byte bound/, {
        from: from[index],
      });
      expect(warning.length).toBeLessThan(2000);
      const seen = await config(service);
      expect(seen.checks.cache.tags).toEqual({ value: [], source: 'default' });
      expect(seen.fleet.inSync).toBe(false);
      expect(seen.fleet.problem).toMatch(/over the 1048576-byte bound/);
    }
  }, 60000);

  it('(12, 13) junk in the key: PATCH says it is unreadable and how to reset, DELETE resets it, PATCHes work again; the junk is never quoted', async () => {
    await settle();
    expect(await cli('SET', KEY, 'this is junk')).toBe('OK');
    expect(await cli('PUBLISH', KEY, 'this is junk')).toBe('2');

    const refused = await change(a, 'PATCH', '{"checks":{"cache":{"timeoutMs":1313}}}');
    expect(refused.status).toBe(503);
    const { message } = JSON.parse(refused.text) as { message: string };
    expect(message).toMatch(/unreadable/);
    expect(message).toMatch(/nothing applied; DELETE the configuration to reset it/);
    expect(refused.text).not.toContain('this is jun');
    const shown = await config(b);
    expect(shown.fleet.inSync).toBe(false);
    expect(JSON.stringify(shown)).not.toContain('this is jun');

    const reset = await change(a, 'DELETE');
    expect(reset.status).toBe(200);
    expect((await change(a, 'PATCH', '{"checks":{"cache":{"timeoutMs":1313}}}')).status).toBe(200);
    expect((await change(b, 'PATCH', '{"checks":{"cache":{"retries":3}}}')).status).toBe(200);
    await eventually(
      async () => {
        const seen = await Promise.all([config(a), config(b)]);
        return seen.every(
          (s) =>
            s.checks.cache.timeoutMs.value === 1313 &&
            s.checks.cache.retries.value === 3 &&
            s.fleet.inSync,
        );
      },
      { timeoutMs: 5000 },
    );
    for (const service of [a, b]) expect(service.output()).not.toContain('this is jun');
  }, 30000);

  it('(13) a junk value holding a secret: neither logs nor answers quote any of it', async () => {
    await settle();
    const junk = 'GEMINI_APISECRETMARK=AIzaSyD-not-a-real-key';
    const from = [a.output().length, b.output().length];
    expect(await cli('SET', KEY, junk)).toBe('OK');
    expect(await cli('PUBLISH', KEY, junk)).toBe('2');

    const answers: string[] = [];
    for (const [index, service] of [a, b].entries()) {
      await reacted(service, from[index]);
      answers.push(
        await (await fetch(`${service.url}/v1/health/config`, { headers: admin })).text(),
      );
    }
    answers.push((await change(a, 'PATCH', '{"checks":{"cache":{"retries":2}}}')).text);
    for (const text of [...answers, a.output(), b.output()]) {
      expect(text).not.toContain('GEMINI_API');
      expect(text).not.toContain('SECRETMARK');
      expect(text).not.toContain('AIza');
    }
    // Still said: the key is unreadable, on both.
    for (const [index, service] of [a, b].entries()) {
      expect(await service.logged(/HealthConfigFleet.*unreadable/, { from: from[index] })).toMatch(
        /keeping version \d+/,
      );
      expect((await config(service)).fleet.inSync).toBe(false);
    }
  }, 30000);
});

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)![1]) / 1024;
}
