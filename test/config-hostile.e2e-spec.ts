import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RawAnswer } from './support/raw-request';
import { rawRequest } from './support/raw-request';
import type { RunningService } from './support/service-process';
import { ServiceProcess } from './support/service-process';

const ADMIN = 'hostile-e2e-admin-key-0001';
const CHECKS = ['ai_model', 'cache', 'resilience'];
/** Long enough for the old failure to show: prom-client's GC collector threw within 2-20 s. */
const WATCH_MS = 12_000;

type Value = { value: unknown; source: string };
type Config = { version: number; checks: Record<string, Record<string, Value>> };
type Message = { message: string; statusCode: number };

/** Plain logs (Nest writes no colour codes with NO_COLOR). */
const BASE_ENV = { HEALTH_ADMIN_KEYS: ADMIN, HEALTH_SHUTDOWN_DELAY_MS: '0', NO_COLOR: '1' };
const JSON_TYPE = { 'content-type': 'application/json' };
const WITH_KEY = { 'x-api-key': ADMIN, ...JSON_TYPE };

async function config(service: RunningService): Promise<Config> {
  const res = await fetch(`${service.url}/v1/health/config`, { headers: { 'x-api-key': ADMIN } });
  expect(res.status).toBe(200);
  return (await res.json()) as Config;
}

function patch(
  service: RunningService,
  body: string | Buffer,
  options: { query?: string; headers?: Record<string, string>; chunked?: boolean } = {},
): Promise<RawAnswer> {
  return rawRequest(`${service.url}/v1/health/config${options.query ?? ''}`, {
    method: 'PATCH',
    headers: options.headers ?? WITH_KEY,
    body,
    chunked: options.chunked,
  });
}

const message = (answer: RawAnswer): string => (JSON.parse(answer.text) as Message).message;

/** The audit lines of the admin endpoint in a log. */
const auditLines = (log: string): string[] =>
  log.split('\n').filter((line) => /\[HealthConfig\] configuration v/.test(line));

/** A stack trace's frame line in a log. */
const STACK_FRAME = /^ {4}at /m;

/** `/v1/health/ready?verbose`, which lists every check readiness runs, one a line. */
async function readiness(service: RunningService): Promise<string> {
  const res = await fetch(`${service.url}/v1/health/ready?verbose`);
  return res.text();
}

function expectListsEveryCheck(verbose: string): void {
  for (const name of CHECKS) expect(verbose).toMatch(new RegExp(`^\\[[+-]\\]${name}\\b`, 'm'));
}

/**
 * For WATCH_MS, asks each service's `/metrics` every 500 ms: every answer must be 200, and the
 * process alive (a polluted Object.prototype made the old one exit within 2-20 s).
 */
async function stayAlive(services: RunningService[]): Promise<void> {
  const started = Date.now();
  let scrapes = 0;
  while (Date.now() - started < WATCH_MS) {
    for (const service of services) {
      const status = await fetch(`${service.url}/metrics`).then(
        (res) => res.status,
        (error: Error) =>
          `no answer (${error.message}), exit code ${service.child.exitCode}, signal ${service.child.signalCode}`,
      );
      expect(status).toBe(200);
      scrapes++;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  expect(scrapes).toBeGreaterThanOrEqual(services.length * 10);
  for (const service of services) {
    expect(service.child.exitCode).toBeNull();
    expect(service.output()).not.toContain('Added label');
  }
}

/** Runs the built service with `env` and waits for it to exit (killed after 15 s). */
function startAndExit(
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  return ServiceProcess.startupFailure({ NO_COLOR: '1', ...env });
}

/**
 * Issue 21 on the built service, through the admin endpoint: prototype keys, misspelt query
 * parameters, changes that leave readiness nothing, huge, deep and unauthenticated bodies, the
 * merge-patch media type, fractional milliseconds.
 */
describe('the admin endpoint of the built service under hostile requests', () => {
  let service: RunningService;

  beforeAll(async () => {
    service = await ServiceProcess.start(BASE_ENV);
  }, 30000);
  afterAll(async () => {
    await service?.kill();
  });

  it('(1) refuses prototype keys with a 400 naming them, writes no audit line, and stays alive', async () => {
    const before = await config(service);
    const from = service.output().length;
    const refused: Array<[string, string, RegExp]> = [
      ['', '{"checks":{"__proto__":{"critical":false}}}', /checks\.__proto__/],
      ['?dryRun=true', '{"checks":{"__proto__":{"tags":["x"]}}}', /checks\.__proto__/],
      [
        '',
        '{"checks":{"cache":{"thresholds":{"__proto__":{"x":1}}}}}',
        /checks\.cache\.thresholds/,
      ],
      ['', '{"checks":{"toString":{"mode":"bogus"}}}', /checks\.toString/],
      ['', '{"checks":{"constructor":{"critical":false}}}', /checks\.constructor/],
      ['', '{"checks":{"hasOwnProperty":{"mode":"bogus"}}}', /checks\.hasOwnProperty/],
    ];
    for (const [query, body, names] of refused) {
      const answer = await patch(service, body, { query });
      expect({ body, status: answer.status }).toEqual({ body, status: 400 });
      expect(message(answer)).toMatch(names);
    }
    expect(auditLines(service.output().slice(from))).toEqual([]);
    expect((await config(service)).version).toBe(before.version);

    await stayAlive([service]);
    const report = (await (await fetch(`${service.url}/v1/health/components`)).json()) as {
      components: Array<{ name: string }>;
    };
    expect(report.components.map((c) => c.name).sort()).toEqual(CHECKS);
  }, 60000);

  it('(5) a misspelt or malformed dryRun is a 400 and applies nothing; GET and DELETE take no query', async () => {
    const before = await config(service);
    const body = '{"checks":{"cache":{"timeoutMs":777}}}';
    for (const [query, name] of [
      ['?dryrun=true', '"dryrun"'],
      ['?dryRun[]=true', '"dryRun[]"'],
    ]) {
      const answer = await patch(service, body, { query });
      expect({ query, status: answer.status }).toEqual({ query, status: 400 });
      expect(message(answer)).toContain(`Unknown query parameter ${name}`);
    }
    const after = await config(service);
    expect(after.version).toBe(before.version);
    expect(after.checks.cache.timeoutMs).toEqual(before.checks.cache.timeoutMs);

    const get = await rawRequest(`${service.url}/v1/health/config?verbose=1`, {
      headers: { 'x-api-key': ADMIN },
    });
    expect(get.status).toBe(400);
    expect(message(get)).toMatch(/"verbose"/);

    // A runtime value a DELETE would drop: a DELETE with a query parameter keeps it.
    expect((await patch(service, '{"checks":{"cache":{"retries":2}}}')).status).toBe(200);
    const reset = await rawRequest(`${service.url}/v1/health/config?force=true`, {
      method: 'DELETE',
      headers: { 'x-api-key': ADMIN },
    });
    expect(reset.status).toBe(400);
    expect(message(reset)).toMatch(/"force"/);
    expect((await config(service)).checks.cache.retries).toEqual({ value: 2, source: 'runtime' });
    const plain = await fetch(`${service.url}/v1/health/config`, {
      method: 'DELETE',
      headers: { 'x-api-key': ADMIN },
    });
    expect(plain.status).toBe(200);
  }, 30000);

  it('(6) refuses a change that leaves readiness no check: every check disabled, in shadow, or not critical', async () => {
    const before = await config(service);
    for (const setting of ['"enabled":false', '"mode":"shadow"', '"critical":false']) {
      const body = `{"checks":{${CHECKS.map((name) => `"${name}":{${setting}}`).join(',')}}}`;
      const answer = await patch(service, body);
      expect({ setting, status: answer.status }).toEqual({ setting, status: 400 });
      expect(message(answer)).toMatch(/leaves readiness no check/);
      expect(message(answer)).toMatch(/ai_model, cache, resilience/);
      expectListsEveryCheck(await readiness(service));
    }
    const after = await config(service);
    expect(after.version).toBe(before.version);
    for (const name of CHECKS) {
      expect(after.checks[name].enabled.value).toBe(true);
      expect(after.checks[name].mode.value).toBe('active');
      expect(after.checks[name].critical.value).toBe(true);
    }
  }, 30000);

  it('(7) a patch of 2.5 million tags is refused naming the bound, declared or streamed, never applied, no stack trace', async () => {
    const before = await config(service);
    const from = service.output().length;
    const tags = Array.from({ length: 2_500_000 }, (_, i) => `"t${i}"`).join(',');
    const body = Buffer.from(`{"checks":{"cache":{"tags":[${tags}]}}}`);
    expect(body.length).toBeGreaterThan(25_000_000);
    for (const chunked of [false, true]) {
      const answer = await patch(service, body, { chunked });
      // The gate holds the body to 64 KiB, declared or streamed.
      expect({ chunked, status: answer.status }).toEqual({ chunked, status: 413 });
      expect(message(answer)).toMatch(/at most 65536 bytes/);
      expect(answer.text.length).toBeLessThan(1000);
    }
    await new Promise((r) => setTimeout(r, 200)); // a log line written after the answer
    expect(service.output().slice(from)).not.toMatch(STACK_FRAME);
    const after = await config(service);
    expect(after.version).toBe(before.version);
    expect(after.checks.cache.tags).toEqual(before.checks.cache.tags);
  }, 60000);

  it('(8) without a key: 401 before the body is read (bad JSON, 1.2 MB); with one, 1.2 MB is a 413 naming the bound; no stack trace', async () => {
    const from = service.output().length;
    const big = JSON.stringify({ checks: { cache: { timeoutMs: 900 } } }).padEnd(1_200_000, ' ');

    const badJson = await patch(service, '{"checks":', { headers: JSON_TYPE });
    expect(badJson.status).toBe(401);
    expect(JSON.parse(badJson.text)).toEqual({ message: 'Unauthorized', statusCode: 401 });
    const anonymous = await patch(service, big, { headers: JSON_TYPE });
    expect(anonymous.status).toBe(401);

    const keyed = await patch(service, big);
    expect(keyed.status).toBe(413);
    expect(message(keyed)).toMatch(/at most 65536 bytes/);

    await new Promise((r) => setTimeout(r, 200)); // a log line written after the answer
    const log = service.output().slice(from);
    expect(log).not.toMatch(STACK_FRAME);
    expect(log).not.toMatch(/PayloadTooLarge|entity too large/i);
  }, 30000);

  it('(9) 5,000 levels of nesting inside thresholds: a 400, no 500, no RangeError', async () => {
    const from = service.output().length;
    const deep = `{"checks":{"cache":{"thresholds":{"minHitRatio":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}}}}`;
    expect(deep.length).toBeGreaterThan(29_000);
    const answer = await patch(service, deep);
    expect(answer.status).toBe(400);
    expect(message(answer)).toMatch(/checks\.cache\.thresholds/);
    await new Promise((r) => setTimeout(r, 200));
    const log = service.output().slice(from);
    expect(log).not.toMatch(/RangeError/);
    expect(log).not.toMatch(STACK_FRAME);
  }, 30000);

  it('(15) takes application/merge-patch+json like application/json; text/plain or no type is a 415 naming both', async () => {
    const merged = await patch(service, '{"checks":{"cache":{"degradedAboveMs":321}}}', {
      headers: { 'x-api-key': ADMIN, 'content-type': 'application/merge-patch+json' },
    });
    expect(merged.status).toBe(200);
    expect((await config(service)).checks.cache.degradedAboveMs).toEqual({
      value: 321,
      source: 'runtime',
    });

    const other = '{"checks":{"cache":{"degradedAboveMs":654}}}';
    const refusedTypes: Array<Record<string, string>> = [
      { 'x-api-key': ADMIN, 'content-type': 'text/plain' },
      { 'x-api-key': ADMIN }, // a body and no Content-Type at all
    ];
    for (const headers of refusedTypes) {
      const answer = await patch(service, other, { headers });
      expect({ headers, status: answer.status }).toEqual({ headers, status: 415 });
      expect(message(answer)).toContain('application/merge-patch+json');
      expect(message(answer)).toContain('application/json');
    }
    expect((await config(service)).checks.cache.degradedAboveMs.value).toBe(321);
  }, 30000);

  it('(18) timeoutMs 1.5 is a 400 by the same rule as HEALTH_CHECK_CACHE_TIMEOUT_MS=1.5, which stops startup', async () => {
    const answer = await patch(service, '{"checks":{"cache":{"timeoutMs":1.5}}}');
    expect(answer.status).toBe(400);
    expect(message(answer)).toMatch(/^Invalid setting checks\.cache\.timeoutMs: 1\.5 /);
    const runtimeRule = /\(expected ([^)]*)\)/.exec(message(answer))?.[1];

    const { code, output } = await startAndExit({ HEALTH_CHECK_CACHE_TIMEOUT_MS: '1.5' });
    expect(code).toBe(1);
    expect(output).toMatch(/Invalid setting HEALTH_CHECK_CACHE_TIMEOUT_MS: "1\.5"/);
    const startupRule = /HEALTH_CHECK_CACHE_TIMEOUT_MS: "1\.5" \(expected ([^)]*)\)/.exec(
      output,
    )?.[1];
    expect(runtimeRule).toBeDefined();
    expect(startupRule).toBe(runtimeRule);
  }, 30000);
});

/**
 * The watched configuration file made hostile: prototype keys (JSON and YAML) and a file that
 * leaves readiness no check. A bad file stops startup; at runtime it is warned and not applied.
 */
describe('the built service with a poisoned configuration file', () => {
  let dir: string;
  const services: RunningService[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'health-poisoned-'));
  });
  afterEach(async () => {
    await Promise.all(services.splice(0).map((s) => s.kill()));
    rmSync(dir, { recursive: true, force: true });
  });

  const GOOD = {
    json: '{"checks":{"resilience":{"timeoutMs":1500}}}',
    yaml: 'checks:\n  resilience:\n    timeoutMs: 1500\n',
  };
  const POISONED = {
    json: '{"checks":{"resilience":{"timeoutMs":900},"__proto__":{"critical":false}}}',
    yaml: 'checks:\n  resilience:\n    timeoutMs: 900\n  __proto__:\n    critical: false\n',
  };
  const NO_READINESS = `{"checks":{${CHECKS.map((name) => `"${name}":{"enabled":false}`).join(',')}}}`;

  async function startWith(file: string): Promise<RunningService> {
    const service = await ServiceProcess.start({ ...BASE_ENV, HEALTH_CONFIG_FILE: file });
    services.push(service);
    return service;
  }

  /** Puts `content` in place of the file at once, as `mv` (and a ConfigMap update) does. */
  function replace(file: string, content: string): void {
    const next = join(dir, `next-${Math.random()}`);
    writeFileSync(next, content);
    renameSync(next, file);
  }

  it.each(['json', 'yaml'] as const)(
    '(1) a %s file poisoned with __proto__ stops startup with one line naming it',
    async (format) => {
      const file = join(dir, `health.${format}`);
      writeFileSync(file, POISONED[format]);
      const { code, output } = await startAndExit({ HEALTH_CONFIG_FILE: file });
      expect(code).toBe(1);
      const lines = output.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`HEALTH_CONFIG_FILE: "${file}"`);
      expect(lines[0]).toMatch(/checks\.__proto__/);
    },
    30000,
  );

  it('(1) a file that turns poisonous at runtime (JSON and YAML): warned, not applied, alive after 12 s', async () => {
    const files = (['json', 'yaml'] as const).map((format) => {
      const file = join(dir, `health.${format}`);
      writeFileSync(file, GOOD[format]);
      return { format, file };
    });
    const running = await Promise.all(files.map(({ file }) => startWith(file)));
    for (const [index, { format, file }] of files.entries()) {
      expect((await config(running[index])).checks.resilience.timeoutMs).toEqual({
        value: 1500,
        source: 'file',
      });
      replace(file, POISONED[format]);
    }
    for (const [index, { file }] of files.entries()) {
      const line = await running[index].logged(/not applied, keeping version \d+/);
      expect(line).toContain(`configuration file ${file} not applied`);
      expect(line).toMatch(/checks\.__proto__/);
    }
    await stayAlive(running);
    for (const service of running) {
      expect((await config(service)).checks.resilience.timeoutMs).toEqual({
        value: 1500,
        source: 'file',
      });
    }
  }, 60000);

  it('(6) a file that disables every check: startup refused saying why; at runtime warned and not applied', async () => {
    const bad = join(dir, 'off.json');
    writeFileSync(bad, NO_READINESS);
    const { code, output } = await startAndExit({ HEALTH_CONFIG_FILE: bad });
    expect(code).toBe(1);
    expect(output).not.toMatch(/listening on/);
    const why = output.split('\n').filter((line) => line.includes(bad));
    expect(why.join('\n')).toMatch(/leaves readiness no check/);

    const file = join(dir, 'health.json');
    writeFileSync(file, GOOD.json);
    const service = await startWith(file);
    replace(file, NO_READINESS);
    const line = await service.logged(/not applied, keeping version \d+/);
    expect(line).toContain(`configuration file ${file} not applied`);
    expect(line).toMatch(/leaves readiness no check/);
    expectListsEveryCheck(await readiness(service));
    const after = await config(service);
    for (const name of CHECKS) expect(after.checks[name].enabled.value).toBe(true);
  }, 60000);
});
