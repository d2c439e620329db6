import { Agent, get as httpGet } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServiceProcess } from './support/service-process';

describe('the built service process (dist/.../main.js, as npm start runs it)', () => {
  afterEach(() => ServiceProcess.killAll());
  /** A working folder without a .env file (read outside NODE_ENV=test). */
  let noEnvFile: string;
  beforeAll(() => (noEnvFile = mkdtempSync(join(tmpdir(), 'api-cwd-'))));
  afterAll(() => rmSync(noEnvFile, { recursive: true, force: true }));

  it('serves the legacy body with no Redis and no AI key', async () => {
    const started = await ServiceProcess.start({ HEALTH_SHUTDOWN_DELAY_MS: '0' });
    const res = await fetch(`${started.url}/v1/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: 'degraded',
      ai_model_available: false,
      resilience_healthy: true,
      cache_healthy: true,
    });
    expect((await started.stop()).code).toBe(0);
  });

  it('reports three bad variables in one run, one line each, secrets masked, exit 1', async () => {
    const { code, output } = await ServiceProcess.startupFailure({
      HEALTH_CHECK_TIMEOUT_MS: '2147483648',
      DATABASE_URL: 'mysql://app:s3cr3t-pw@127.0.0.1/app',
      HEALTH_CHECK_ENABLED_COMPONENTS: ',,,',
    });
    expect(code).toBe(1);
    const lines = output.trim().split('\n');
    expect(lines.map((line) => /^Invalid setting (\w+):/.exec(line)?.[1]).sort()).toEqual([
      'DATABASE_URL',
      'HEALTH_CHECK_ENABLED_COMPONENTS',
      'HEALTH_CHECK_TIMEOUT_MS',
    ]);
    expect(output).not.toContain('s3cr3t-pw');
    expect(output).not.toMatch(/\n\s+at /);
  });

  it('logs one JSON object a line with LOG_FORMAT=json, and never through console.log', async () => {
    const started = await ServiceProcess.start({
      LOG_FORMAT: 'json',
      HEALTH_SHUTDOWN_DELAY_MS: '0',
    });
    expect((await fetch(`${started.url}/v1/health`)).status).toBe(200);
    // Output may still be in the pipe at exit: stop() reads it once stdout and stderr have closed.
    const { code, output } = await started.stop();
    expect(code).toBe(0);
    const lines = output.trim().split('\n');
    expect(lines.length).toBeGreaterThan(5);
    const entries = lines.map((line) => JSON.parse(line) as { level: string; message: unknown });
    expect(entries.every((e) => typeof e.level === 'string')).toBe(true);
    const messages = entries.map((e) => String(e.message));
    expect(messages.some((m) => m.startsWith('api listening on http'))).toBe(true);
    expect(messages.at(-1)).toBe('closing');
  });

  it('drains on SIGTERM: not ready at once, live and serving for the delay, then exits by itself', async () => {
    const started = await ServiceProcess.start({ HEALTH_SHUTDOWN_DELAY_MS: '1500' });
    const get = async (path: string) => {
      const res = await fetch(`${started.url}${path}`);
      return { status: res.status, text: await res.text() };
    };
    expect(await get('/v1/health/ready')).toEqual({ status: 200, text: 'ok\n' });

    const signalled = performance.now();
    started.signal('SIGTERM');
    await started.logged('SIGTERM received: draining for 1500 ms');
    const ready = await get('/v1/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.text).toContain('the service is draining');
    expect(await get('/v1/health/live')).toEqual({ status: 200, text: 'ok\n' });
    expect((await get('/v1/health')).status).toBe(200);

    // Exit code 0 without a forced exit: every timer and connection was released.
    expect((await started.exited()).code).toBe(0);
    expect(performance.now() - signalled).toBeGreaterThanOrEqual(1500);
    expect(started.output()).toContain('closing');
  });

  it('stops at once on Ctrl-C or SIGTERM outside production when HEALTH_SHUTDOWN_DELAY_MS is unset', async () => {
    for (const [signal, NODE_ENV] of [
      ['SIGINT', ''],
      ['SIGTERM', 'development'],
    ] as const) {
      const started = await ServiceProcess.start({ NODE_ENV }, { cwd: noEnvFile });
      started.signal(signal);
      expect(await started.logged(`${signal} received`)).toContain(
        `${signal} received: draining for 0 ms, then closing`,
      );
      const { code, output } = await started.exited();
      expect(code).toBe(0);
      expect(output).toContain('closing');
    }
  });

  it('drains 5 s by default in production (NODE_ENV=production), live and not ready meanwhile', async () => {
    const started = await ServiceProcess.start({ NODE_ENV: 'production' }, { cwd: noEnvFile });
    const signalled = performance.now();
    started.signal('SIGTERM');
    await started.logged('SIGTERM received: draining for 5000 ms, then closing');
    expect((await fetch(`${started.url}/v1/health/ready`)).status).toBe(503);
    expect((await fetch(`${started.url}/v1/health/live`)).status).toBe(200);
    expect((await started.exited()).code).toBe(0);
    expect(performance.now() - signalled).toBeGreaterThanOrEqual(5000);
  }, 30_000);

  it('drops nothing on SIGTERM under load: 20 keep-alive clients, no reset, no 5xx, no cancelled check', async () => {
    const started = await ServiceProcess.start({
      HEALTH_SHUTDOWN_DELAY_MS: '1000',
      HEALTH_DETAILS: 'always',
    });
    const url = new URL(started.url);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const agent = new Agent({ keepAlive: true, maxSockets: 20 });
    const tally = { ok: 0, serverErrors: 0, cancelled: 0, movedAway: 0 };
    const errors: string[] = [];

    /** One request; resolves with whether the service asked to close the connection. */
    const once = (path: string) =>
      new Promise<boolean>((resolve, reject) => {
        const req = httpGet({ host, port: url.port, path, agent }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => {
            if (res.statusCode! >= 500) tally.serverErrors++;
            else tally.ok++;
            if (body.includes('cancelled')) tally.cancelled++;
            resolve(res.headers.connection === 'close');
          });
          res.on('error', reject);
        });
        req.on('error', reject);
      });

    /** Sends requests back to back on its keep-alive connection until told to close it. */
    const client = async (i: number) => {
      const path = i % 2 === 0 ? '/v1/health' : '/v1/health/components';
      for (;;) {
        try {
          // Told to close: a real client reconnects to another instance.
          if (await once(path)) return void tally.movedAway++;
        } catch (error) {
          return void errors.push((error as NodeJS.ErrnoException).code ?? String(error));
        }
      }
    };

    const clients = Array.from({ length: 20 }, (_, i) => client(i));
    await new Promise((resolve) => setTimeout(resolve, 500));
    started.signal('SIGTERM');
    await Promise.all(clients);
    agent.destroy();
    expect((await started.exited()).code).toBe(0);
    expect({ ...tally, errors }).toMatchObject({
      serverErrors: 0,
      cancelled: 0,
      movedAway: 20,
      errors: [],
    });
    expect(tally.ok).toBeGreaterThan(100);
    const output = started.output();
    // The engine is torn down only after the listener: nothing was answered by a closed engine.
    expect(output.indexOf('no longer accepting connections')).toBeGreaterThan(0);
    expect(output.indexOf('no longer accepting connections')).toBeLessThan(
      output.lastIndexOf('closing'),
    );
  }, 30_000);

  it.each([
    [
      'HEALTH_CHECK_TIMEOUT_MS',
      '-5',
      'Invalid setting HEALTH_CHECK_TIMEOUT_MS: "-5" (expected an integer number of milliseconds from 1 to 2147483647)',
    ],
    ['PORT', 'eighty', 'Invalid setting PORT: "eighty" (expected an integer from 0 to 65535)'],
    ['LOG_FORMAT', 'xml', 'Invalid setting LOG_FORMAT: "xml" (expected text or json)'],
  ])('refuses %s=%s with one clear line and exit code 1', async (variable, value, message) => {
    const { code, output } = await ServiceProcess.startupFailure({ [variable]: value });
    expect(code).toBe(1);
    expect(output.trim()).toBe(message);
  });
});
