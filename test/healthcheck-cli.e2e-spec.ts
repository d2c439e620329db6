import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlackHole } from './support/black-hole';
import { eventually } from './support/eventually';
import { RawHttpServer } from './support/raw-http-server';
import { freePort } from './support/redis-server';
import { ServiceProcess } from './support/service-process';

/**
 * The health-check CLI as a container runs it: the BUILT file, reached through the installed
 * package (node_modules/@nest-health/core/cli/healthcheck.js, a link to dist/libs/health), as
 * a child process, against the BUILT service: 200, 503, a refused port and a black hole; and
 * against a raw server that cuts its bodies short.
 */
const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'node_modules/@nest-health/core/cli/healthcheck.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

const cleanups: (() => Promise<void> | void)[] = [];

afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Runs the CLI; a run that outlives `killAfterMs` is killed (and the test then fails). */
async function healthcheck(args: string[], cli = CLI, killAfterMs = 15_000): Promise<Run> {
  const child = spawn(process.execPath, [cli, ...args], { env: { PATH: process.env.PATH ?? '' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(killer);
  return { code, stdout, stderr };
}

async function startService(env: Record<string, string>): Promise<string> {
  const service = await ServiceProcess.start({
    HEALTH_SHUTDOWN_DELAY_MS: '0',
    HEALTH_EVALUATION_INTERVAL_MS: '500',
    ...env,
  });
  cleanups.push(() => service.kill());
  return service.url;
}

/** Runs the CLI until it exits with `code` (the service's first evaluation takes a moment). */
function exits(args: string[], code: number): Promise<Run> {
  return eventually(() => healthcheck(args), {
    until: (run) => run.code === code,
    timeoutMs: 15_000,
    intervalMs: 200,
    message: `the CLI to exit with ${code}`,
  });
}

describe('healthcheck CLI (built, in a child process) against the built service', () => {
  let healthy: string;
  let unready: string;

  beforeAll(async () => {
    expect(existsSync(CLI)).toBe(true);
    healthy = await startService({ GEMINI_API_KEY: 'k-cli-e2e-1234' });
    // Nothing listens on this database port: database UNHEALTHY, readiness 503.
    unready = await startService({
      GEMINI_API_KEY: 'k-cli-e2e-1234',
      DATABASE_URL: `postgres://postgres@127.0.0.1:${await freePort()}/test`,
    });
  }, 40_000);

  it('exits 0 on 200 from readiness, with one line on stdout', async () => {
    const run = await exits(['--url', `${healthy}/v1/health/ready`, '--timeout', '2000'], 0);
    expect(run.stdout).toMatch(
      /^healthy: HTTP 200 from http:\/\/\[?[\d.:a-f]+\]?:\d+\/v1\/health\/ready in \d+ ms: ok\n$/,
    );
    expect(run.stderr).toBe('');
  });

  it('exits 1 on 503, naming the failed check, on stderr', async () => {
    const run = await exits(['--url', `${unready}/v1/health/ready`], 1);
    expect(run.stderr).toMatch(
      /^unhealthy: HTTP 503 from .*\/v1\/health\/ready in \d+ ms: readiness check failed \(database failed.*\)\n$/,
    );
    expect(run.stdout).toBe('');
    // Liveness of the same process is fine: the CLI reports what the URL says.
    expect((await healthcheck(['--url', `${unready}/v1/health/live`])).code).toBe(0);
  });

  it('exits 1 when the port refuses connections', async () => {
    const port = await freePort();
    const run = await healthcheck(['--url', `http://127.0.0.1:${port}/v1/health/ready`]);
    expect(run).toEqual({
      code: 1,
      stdout: '',
      stderr: `unhealthy: no answer from http://127.0.0.1:${port}/v1/health/ready: connection refused (ECONNREFUSED)\n`,
    });
  });

  it('exits 1 after its timeout when the server accepts and never answers', async () => {
    const hole = await BlackHole.start();
    cleanups.push(() => hole.close());
    const run = await healthcheck(
      ['--url', `http://127.0.0.1:${hole.port}/v1/health/ready`, '--timeout', '500'],
      CLI,
      10_000, // far above the 500 ms it must give up after: a hang fails the test
    );
    expect(run).toEqual({
      code: 1,
      stdout: '',
      stderr: `unhealthy: no answer from http://127.0.0.1:${hole.port}/v1/health/ready within 500 ms\n`,
    });
    expect(hole.accepted).toBe(1);
  });

  it('exits 2 on bad arguments, naming what was wrong', async () => {
    expect(await healthcheck(['--url', 'http://127.0.0.1:8000/ready', '--timeout', '2s'])).toEqual({
      code: 2,
      stdout: '',
      stderr: expect.stringMatching(
        /^healthcheck: --timeout must be whole milliseconds from 1 to 600000, not "2s"\nusage: healthcheck --url /,
      ),
    });
    expect(await healthcheck([])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('missing --url'),
    });
    const help = await healthcheck(['--help']);
    expect(help).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^usage: healthcheck --url/),
    });
  });

  it('runs alone, with no node_modules: Node built-ins only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'healthcheck-alone-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const alone = join(dir, 'healthcheck.js');
    copyFileSync(CLI, alone);
    expect(readFileSync(alone, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    const run = await healthcheck(['--url', `${healthy}/v1/health/live`], alone);
    expect(run).toMatchObject({ code: 0, stdout: expect.stringMatching(/^healthy: HTTP 200/) });
  });

  it('is the package bin', () => {
    const pkg = JSON.parse(
      readFileSync(join(ROOT, 'node_modules/@nest-health/core/package.json'), 'utf8'),
    ) as { bin: Record<string, string> };
    expect(pkg.bin).toEqual({ 'nest-health-check': './cli/healthcheck.js' });
  });
});

describe('healthcheck CLI (built, in a child process) against a body cut short', () => {
  let raw: RawHttpServer;
  const head = (headers: string) => `HTTP/1.1 200 OK\r\n${headers}\r\n\r\n`;

  beforeAll(async () => {
    raw = await RawHttpServer.start((socket, path) => {
      if (path === '/short') return void socket.end(`${head('Content-Length: 1000')}ok`);
      if (path === '/chunked-reset') {
        return void socket.write(`${head('Transfer-Encoding: chunked')}2\r\nok\r\n`, () =>
          setTimeout(() => socket.resetAndDestroy(), 20),
        );
      }
      if (path === '/stalled') return void socket.write(`${head('Content-Length: 1000')}ok`);
      socket.end(`${head('Content-Length: 18')}ok \u202Etxt.exe\u001b[2J\n`);
    });
  });

  afterAll(() => raw.close());

  const url = (path: string) => `http://127.0.0.1:${raw.port}${path}`;

  it('exits 1 when fewer bytes come than Content-Length announced', async () => {
    expect(await healthcheck(['--url', url('/short')])).toEqual({
      code: 1,
      stdout: '',
      stderr: expect.stringMatching(
        /^unhealthy: HTTP 200 from http:\/\/127\.0\.0\.1:\d+\/short in \d+ ms, body cut short after 2 of 1000 bytes: ok\n$/,
      ),
    });
  });

  it('exits 1 when a chunked body ends with a reset instead of its final chunk', async () => {
    expect(await healthcheck(['--url', url('/chunked-reset')])).toEqual({
      code: 1,
      stdout: '',
      stderr: expect.stringMatching(
        /^unhealthy: HTTP 200 from .*\/chunked-reset in \d+ ms, body cut short after 2 bytes, connection reset \(ECONNRESET\): ok\n$/,
      ),
    });
  });

  it('exits 1 at its timeout when the body stops coming', async () => {
    const run = await healthcheck(['--url', url('/stalled'), '--timeout', '500'], CLI, 10_000);
    expect(run).toEqual({
      code: 1,
      stdout: '',
      stderr: `unhealthy: HTTP 200 from ${url('/stalled')}, body not finished within 500 ms, 2 of 1000 bytes came: ok\n`,
    });
  });

  it('prints the summary of a whole body without its bidirectional controls or escapes', async () => {
    const run = await healthcheck(['--url', url('/bidi')]);
    expect(run).toEqual({
      code: 0,
      stdout: expect.stringMatching(
        /^healthy: HTTP 200 from .*\/bidi in \d+ ms: ok txt\.exe \[2J\n$/,
      ),
      stderr: '',
    });
  });
});
