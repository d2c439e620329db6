import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const MAIN = join(ROOT, 'apps/api/src/main.ts');

interface Started {
  child: ChildProcess;
  output: () => string;
}

/** Starts the service as `npm start` does (from source, through ts-node), with this environment. */
function startService(env: Record<string, string>): Started {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', MAIN],
    { cwd: ROOT, env: { PATH: process.env.PATH ?? '', TZ: 'UTC', NODE_ENV: 'test', ...env } },
  );
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

async function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

describe('the service process (apps/api/src/main.ts)', () => {
  let started: Started | undefined;

  afterEach(() => {
    if (started && started.child.exitCode === null) started.child.kill('SIGKILL');
    started = undefined;
  });

  it('serves the legacy body with no Redis and no AI key, and exits by itself on SIGTERM', async () => {
    started = startService({ PORT: '0' });
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
    // Exit code 0 without a forced exit: every timer and connection was released.
    expect(await exitOf(started.child)).toBe(0);
  });

  it.each([
    [
      'HEALTH_CHECK_TIMEOUT_MS',
      '-5',
      'Invalid setting HEALTH_CHECK_TIMEOUT_MS: "-5" (expected an integer >= 1)',
    ],
    ['PORT', 'eighty', 'Invalid setting PORT: "eighty" (expected an integer from 0 to 65535)'],
  ])('refuses %s=%s with one clear line and exit code 1', async (variable, value, message) => {
    started = startService({ PORT: '0', [variable]: value });
    expect(await exitOf(started.child)).toBe(1);
    expect(started.output().trim()).toBe(message);
  });
});
