/**
 * Real `@nestjs/terminus` 12 indicators (memory, disk, HTTP against a server this test starts and
 * stops, a HealthIndicatorService-based custom one) registered in HealthModule with
 * `terminusCheck`, and the same calls run by Terminus's own HealthCheckService in the same app
 * (test/terminus.app.ts, a child process: Jest cannot load Terminus 12, an ES module). Our
 * Terminus-format body is compared field by field with Terminus's for up, down, degraded, and
 * an indicator that throws.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlackHole } from './support/black-hole';
import { eventually } from './support/eventually';

const ROOT = join(__dirname, '..');

jest.setTimeout(60_000);

/** The HTTP server the `docs` indicator pings: it answers 200 or 503, or holds requests. */
class DocsServer {
  hits = 0;
  mode: 'ok' | 'unavailable' | 'hold' = 'ok';
  private held: ServerResponse[] = [];
  private server?: Server;
  port = 0;

  async start(port = 0): Promise<void> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      this.hits++;
      if (this.mode === 'hold') return void this.held.push(res);
      // No keep-alive: once stopped, every client meets a closed port, not a stale socket.
      res.writeHead(this.mode === 'ok' ? 200 : 503, {
        'Content-Type': 'text/plain',
        Connection: 'close',
      });
      res.end(this.mode);
    });
    this.server.listen(port, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Answers every held request with 200; new requests are answered at once again. */
  release(): void {
    this.mode = 'ok';
    for (const res of this.held.splice(0)) res.writeHead(200, { Connection: 'close' }).end('ok');
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    this.release();
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  }
}

interface Answer {
  status: number;
  type: string | null;
  body: Record<string, unknown>;
}

let app: ChildProcess | undefined;
let base = '';
let output = '';
let workDir = '';
const docs = new DocsServer();
let hole: BlackHole;

async function get(path: string, signal?: AbortSignal): Promise<Answer> {
  const res = await fetch(`${base}${path}`, { signal: signal ?? AbortSignal.timeout(15_000) });
  const text = await res.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { text };
  }
  return { status: res.status, type: res.headers.get('content-type'), body };
}

async function set(query: string): Promise<void> {
  const res = await fetch(`${base}/control?${query}`, { method: 'POST' });
  expect(res.status).toBe(201);
}

/** Both sides, asked at the same time. */
async function both(): Promise<{ ours: Answer; terminus: Answer }> {
  const [ours, terminus] = await Promise.all([get('/health'), get('/terminus/health')]);
  return { ours, terminus };
}

/**
 * Preloaded into the app (harness only): when this test process goes away without stopping it,
 * the stdin pipe closes and the app ends, so no server outlives the run.
 */
const WATCHDOG = `process.stdin.on('error', () => {});
process.stdin.on('end', () => { setTimeout(() => process.exit(1), 5000).unref(); process.kill(process.pid, 'SIGTERM'); });
process.stdin.resume();
process.stdin.unref();
`;

function startApp(env: Record<string, string>): Promise<string> {
  const watchdog = join(workDir, 'watchdog.cjs');
  writeFileSync(watchdog, WATCHDOG);
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env, PORT: '0', NO_COLOR: '1' };
  delete childEnv.NODE_OPTIONS;
  delete childEnv.JEST_WORKER_ID;
  const child = spawn(
    process.execPath,
    [
      '--require',
      watchdog,
      '--require',
      'ts-node/register/transpile-only',
      '--require',
      'tsconfig-paths/register',
      join('test', 'terminus.app.ts'),
    ],
    { cwd: ROOT, env: childEnv, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  app = child;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no "listening on" line within 45 s:\n${output}`)),
      45_000,
    );
    const onData = (chunk: string) => {
      output += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1].replace(/\/$/, '').replace('[::1]', '127.0.0.1'));
      }
    };
    child.stdout?.setEncoding('utf8').on('data', onData);
    child.stderr?.setEncoding('utf8').on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the app exited (${signal ?? code}) before listening:\n${output}`));
    });
  });
}

async function stopApp(): Promise<void> {
  const child = app;
  app = undefined;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  child.kill('SIGTERM');
  await exited;
  clearTimeout(timer);
}

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'terminus-e2e-'));
  await docs.start();
  hole = await BlackHole.start();
  base = await startApp({
    DOCS_URL: `http://127.0.0.1:${docs.port}/`,
    SLOW_URL: `http://127.0.0.1:${hole.port}/`,
  });
}, 60_000);

afterAll(async () => {
  await stopApp();
  await docs.stop();
  await hole?.close();
  rmSync(workDir, { recursive: true, force: true });
}, 30_000);

beforeEach(async () => {
  if (!app) return;
  docs.mode = 'ok';
  await set('heap=up&disk=up&queue=up');
});

describe('Terminus format, side by side with Terminus 12', () => {
  it('all up: both 200, the same body field by field', async () => {
    const { ours, terminus } = await both();
    expect(terminus.status).toBe(200);
    expect(terminus.body).toEqual({
      status: 'ok',
      info: {
        heap: { status: 'up' },
        disk: { status: 'up' },
        docs: { status: 'up' },
        queue: { lag: 0, status: 'up' },
      },
      error: {},
      details: {
        heap: { status: 'up' },
        disk: { status: 'up' },
        docs: { status: 'up' },
        queue: { lag: 0, status: 'up' },
      },
    });
    expect(ours.status).toBe(terminus.status);
    expect(ours.type).toMatch(/^application\/json/);
    expect(ours.body).toEqual(terminus.body);
  });

  it('down (heap over its limit, disk over its threshold, HTTP 503): both 503, same body', async () => {
    await set('heap=down&disk=down');
    docs.mode = 'unavailable';
    const { ours, terminus } = await both();
    expect(terminus.status).toBe(503);
    expect(terminus.body.status).toBe('error');
    expect(terminus.body.error).toEqual({
      heap: { message: 'Used heap exceeded the set threshold', status: 'down' },
      disk: { message: 'Used disk storage exceeded the set threshold', status: 'down' },
      docs: {
        message: 'Request failed with status code 503',
        statusCode: 503,
        statusText: 'Service Unavailable',
        status: 'down',
      },
    });
    expect(ours.status).toBe(503);
    expect(ours.body).toEqual(terminus.body);
  });

  it("the HTTP server stopped: both 503, the same 'connect ECONNREFUSED' entry", async () => {
    await docs.stop();
    try {
      const { ours, terminus } = await both();
      expect(terminus.status).toBe(503);
      expect(terminus.body.error).toEqual({
        docs: { message: `connect ECONNREFUSED 127.0.0.1:${docs.port}`, status: 'down' },
      });
      expect([ours.status, ours.body]).toEqual([terminus.status, terminus.body]);
    } finally {
      await docs.start(docs.port);
    }
  });

  it("degraded (Terminus 12's HealthIndicatorService.degraded()): both 200 degraded, same body", async () => {
    await set('queue=degraded');
    const { ours, terminus } = await both();
    expect([terminus.status, terminus.body.status]).toEqual([200, 'degraded']);
    expect((terminus.body.info as Record<string, unknown>).queue).toEqual({
      lag: 40,
      status: 'degraded',
    });
    expect([ours.status, ours.body]).toEqual([terminus.status, terminus.body]);
  });

  it('an indicator that throws: Terminus answers 500 and says nothing; we answer 503 and say why', async () => {
    await set('disk=throws');
    const { ours, terminus } = await both();
    expect([terminus.status, terminus.body]).toEqual([
      500,
      { statusCode: 500, message: 'Internal server error' },
    ]);
    expect(ours.status).toBe(503);
    expect(ours.body).toEqual({
      status: 'error',
      info: {
        heap: { status: 'up' },
        docs: { status: 'up' },
        queue: { lag: 0, status: 'up' },
      },
      error: {
        disk: {
          // Retried once (the default), then down with the error's own words.
          attempts: 2,
          message:
            "disk check failed: ENOENT: no such file or directory, statfs '/nonexistent-terminus-e2e'",
          status: 'down',
        },
      },
      details: expect.objectContaining({ disk: expect.objectContaining({ status: 'down' }) }),
    });
  });
});

describe('the engine applies to Terminus indicators', () => {
  it('single-flight: concurrent requests ping the server once; Terminus pings once per request', async () => {
    docs.mode = 'hold';
    const before = docs.hits;
    const ours = Promise.all([1, 2, 3, 4].map(() => get('/health')));
    await eventually(() => docs.hits > before, { timeoutMs: 15_000, intervalMs: 100 });
    // Time for every request to reach the app and join the evaluation in flight.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const oursHits = docs.hits - before;
    docs.release();
    const answers = await ours;
    expect(oursHits).toBe(1);
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);

    docs.mode = 'hold';
    const start = docs.hits;
    const theirs = Promise.all([1, 2, 3, 4].map(() => get('/terminus/health')));
    await eventually(() => docs.hits - start >= 4, { timeoutMs: 15_000, intervalMs: 100 });
    docs.release();
    await theirs;
    expect(docs.hits - start).toBe(4);
  });

  it('a server that never answers: our timeout answers degraded; Terminus is still waiting', async () => {
    const controller = new AbortController();
    const theirs = get('/terminus/slow', controller.signal).then(
      () => 'answered',
      () => 'aborted',
    );
    try {
      const ours = await get('/health/slow');
      expect(ours.status).toBe(200);
      expect(ours.body).toEqual({
        status: 'degraded',
        info: { slow: { message: 'slow timed out after 500 ms', status: 'degraded' } },
        error: {},
        details: { slow: { message: 'slow timed out after 500 ms', status: 'degraded' } },
      });
      const settled = await Promise.race([theirs, Promise.resolve('pending')]);
      expect(settled).toBe('pending');
    } finally {
      controller.abort();
    }
    expect(await theirs).toBe('aborted');
  });

  it('metrics and the readiness probe see Terminus indicators like any check', async () => {
    await set('heap=down');
    await get('/health');
    const metrics = await fetch(`${base}/metrics`).then((r) => r.text());
    expect(metrics).toContain('health_component_status{component="heap",state="unhealthy"} 1');
    expect(metrics).toContain('health_component_status{component="docs",state="healthy"} 1');
    const ready = await fetch(`${base}/v1/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.text()).toContain('[-]heap failed');
  });

  it('SIGTERM: both answer 503 shutting_down while Nest shuts down, then the app exits', async () => {
    const child = app!;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const seen = { ours: false, terminus: false };
    await eventually(
      async () => {
        const { ours, terminus } = await both().catch(() => ({
          ours: undefined,
          terminus: undefined,
        }));
        if (ours?.status === 503 && ours.body.status === 'shutting_down') seen.ours = true;
        if (terminus?.status === 503 && terminus.body.status === 'shutting_down')
          seen.terminus = true;
        return seen.ours && seen.terminus;
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    expect(seen).toEqual({ ours: true, terminus: true });
    await exited;
    app = undefined;
    expect(output).not.toMatch(/UnhandledPromise|TypeError/);
  });
});
