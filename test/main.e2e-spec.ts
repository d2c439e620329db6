import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
/** The built service, as `npm start` runs it (built by the global setup before these tests). */
const MAIN = join(ROOT, 'dist/apps/api/main.js');

interface Started {
  child: ChildProcess;
  output: () => string;
}

/** Starts the built service with exactly this environment. */
function startService(env: Record<string, string>): Started {
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', TZ: 'UTC', NODE_ENV: 'test', ...env },
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

async function waitForUrl(started: Started): Promise<string> {
  for (let i = 0; i < 400; i++) {
    const match = /api listening on (http:\/\/\S+) /.exec(started.output());
    if (match) return match[1];
    if (started.child.exitCode !== null) throw new Error(`service exited: ${started.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`service did not start: ${started.output()}`);
}

async function waitForOutput(started: Started, text: string): Promise<void> {
  for (let i = 0; i < 200 && !started.output().includes(text); i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  expect(started.output()).toContain(text);
}

async function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

describe('the built service process (dist/.../main.js, as npm start runs it)', () => {
  let started: Started | undefined;

  afterEach(() => {
    if (started && started.child.exitCode === null) started.child.kill('SIGKILL');
    started = undefined;
  });

  it('serves the legacy body with no Redis and no AI key', async () => {
    started = startService({ PORT: '0', HEALTH_SHUTDOWN_DELAY_MS: '0' });
    const url = await waitForUrl(started);
    const res = await fetch(`${url}/v1/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: 'degraded',
      ai_model_available: false,
      resilience_healthy: true,
      cache_healthy: true,
    });
    started.child.kill('SIGTERM');
    expect(await exitOf(started.child)).toBe(0);
  });

  it('drains on SIGTERM: not ready at once, live and serving for the delay, then exits by itself', async () => {
    started = startService({ PORT: '0', HEALTH_SHUTDOWN_DELAY_MS: '1500' });
    const url = await waitForUrl(started);
    const get = async (path: string) => {
      const res = await fetch(`${url}${path}`);
      return { status: res.status, text: await res.text() };
    };
    expect(await get('/v1/health/ready')).toEqual({ status: 200, text: 'ok\n' });

    const signalled = performance.now();
    started.child.kill('SIGTERM');
    await waitForOutput(started, 'SIGTERM received: draining for 1500 ms');
    const ready = await get('/v1/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.text).toContain('the service is draining');
    expect(await get('/v1/health/live')).toEqual({ status: 200, text: 'ok\n' });
    expect((await get('/v1/health')).status).toBe(200);

    // Exit code 0 without a forced exit: every timer and connection was released.
    expect(await exitOf(started.child)).toBe(0);
    expect(performance.now() - signalled).toBeGreaterThanOrEqual(1500);
    expect(started.output()).toContain('closing');
  });

  it.each([
    [
      'HEALTH_CHECK_TIMEOUT_MS',
      '-5',
      'Invalid setting HEALTH_CHECK_TIMEOUT_MS: "-5" (expected an integer number of milliseconds from 1 to 2147483647)',
    ],
    ['PORT', 'eighty', 'Invalid setting PORT: "eighty" (expected an integer from 0 to 65535)'],
  ])('refuses %s=%s with one clear line and exit code 1', async (variable, value, message) => {
    started = startService({ PORT: '0', [variable]: value });
    expect(await exitOf(started.child)).toBe(1);
    expect(started.output().trim()).toBe(message);
  });
});
