/**
 * docs/migrating-from-terminus.md, run as written (issue 25, item 1). Its code is two apps,
 * docs/examples/terminus/before (a Terminus 11 app as Nest's recipe writes it: a `HealthModule`
 * of its own, Terminus's HTTP and memory indicators, a custom indicator on @nestjs/axios's
 * `HttpService`, `gracefulShutdownTimeoutMs`) and docs/examples/terminus/after (the guide's
 * migration). Both are installed with npm into a throwaway Nest 11 app with Terminus 11 and the
 * packed package (as test/terminus-11.e2e-spec.ts does), compiled with tsc as CommonJS and run
 * with node, against an HTTP server on loopback that plays the payments API. The guide's ```ts
 * blocks are excerpts of those files; its documented body is what `/health` answers.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { HttpAnswer, RunningApp, StopResult } from './consumers/consumer-app';
import {
  compile,
  createWorkspace,
  ensureLibraryBuilt,
  errorLines,
  get,
  json,
  killAll,
  npmInstall,
  packLibrary,
  peerWarnings,
  poll,
  removeWorkspace,
  REPO_ROOT,
  snapshotLibrary,
  startApp,
  stopApp,
  TYPE_ROOTS,
  writeFiles,
} from './consumers/consumer-app';
import { nestDependencies, packageJson, tsconfigJson } from './consumers/consumer-sources';
import { isExcerpt, tsBlocks } from './support/excerpt';

const GUIDE = 'docs/migrating-from-terminus.md';
const EXAMPLES = 'docs/examples/terminus';
const SPEC = {
  name: 'terminus-migration',
  nest: 11,
  platform: 'express',
  resolution: 'node10',
} as const;
/** TerminusModule's gracefulShutdownTimeoutMs before, HealthModule's shutdownDelayMs after. */
const DRAIN_MS = 5000;

jest.setTimeout(30_000);

/** The payments API: `/health` and `/settlements/status`, 503 for everything while `down`. */
const payments = { down: false, backlog: 0 };
let paymentsServer: Server | undefined;
let workspace: string | undefined;
let appDir = '';
let installOutput = '';
let failure: Error | undefined;
const savedPaymentsUrl = process.env.PAYMENTS_URL;

async function startPayments(): Promise<string> {
  const server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (payments.down) return void res.writeHead(503).end('{"error":"maintenance"}');
    if (req.url === '/health') return void res.end('{"status":"ok"}');
    if (req.url === '/settlements/status') {
      return void res.end(JSON.stringify({ backlog: payments.backlog }));
    }
    res.writeHead(404).end('{}');
  });
  paymentsServer = server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  workspace = createWorkspace();
  appDir = join(workspace, 'app');
  try {
    process.env.PAYMENTS_URL = await startPayments(); // the apps inherit it
    await ensureLibraryBuilt();
    const lib = await snapshotLibrary(join(workspace, 'lib'));
    const tarball = await packLibrary(lib, join(workspace, 'pack'));
    writeFiles(appDir, {
      'package.json': packageJson(SPEC, {
        '@nest-health/core': `file:${tarball}`,
        ...nestDependencies(11, 'express'),
        '@nestjs/terminus': '~11.1.1',
        '@nestjs/axios': '^4.0.1',
        axios: '^1.13.2',
      }),
    });
    const install = await npmInstall(appDir);
    installOutput = `${install.stdout}\n${install.stderr}`;
    for (const side of ['before', 'after']) {
      cpSync(join(REPO_ROOT, EXAMPLES, side, 'src'), join(appDir, side, 'src'), {
        recursive: true,
      });
      writeFiles(join(appDir, side), { 'tsconfig.json': tsconfigJson(SPEC, TYPE_ROOTS) });
      await compile(join(appDir, side));
    }
    writeVariants();
    for (const variant of Object.keys(VARIANTS)) await compile(join(appDir, variant));
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
  }
}, 8 * 60_000);

afterAll(async () => {
  if (savedPaymentsUrl === undefined) delete process.env.PAYMENTS_URL;
  else process.env.PAYMENTS_URL = savedPaymentsUrl;
  try {
    await killAll(5000);
    await new Promise((resolve) => paymentsServer?.close(resolve) ?? resolve(undefined));
  } finally {
    removeWorkspace(workspace);
  }
}, 60_000);

/**
 * Not the guide's code: what happens without `HttpModule`. `no-http-module` is the "after" app
 * with its `HttpModule` line removed; `ping-only` has Terminus's HTTP indicator only, and nothing
 * that imports `HttpModule`.
 */
const VARIANTS = {
  'no-http-module': '',
  'ping-only': `import { HealthModule } from '@nest-health/core';
import { HealthTerminusModule, terminusCheck } from '@nest-health/core/terminus';
import { Module } from '@nestjs/common';
import { HttpHealthIndicator, TerminusModule } from '@nestjs/terminus';

@Module({ imports: [TerminusModule], exports: [TerminusModule] })
class ChecksModule {}

@Module({
  imports: [
    HealthModule.forRootAsync({
      imports: [ChecksModule],
      inject: [HttpHealthIndicator],
      useFactory: (http: HttpHealthIndicator) => ({
        details: 'always' as const,
        shutdownDelayMs: 0,
        checks: [
          terminusCheck('payments', () =>
            http.pingCheck('payments', \`\${process.env.PAYMENTS_URL}/health\`),
          ),
        ],
      }),
    }),
    HealthTerminusModule.forRoot({ path: 'health' }),
  ],
})
export class AppModule {}
`,
} as const;

function writeVariants(): void {
  for (const [variant, appModule] of Object.entries(VARIANTS)) {
    const dir = join(appDir, variant);
    cpSync(join(REPO_ROOT, EXAMPLES, 'after', 'src'), join(dir, 'src'), { recursive: true });
    writeFiles(dir, { 'tsconfig.json': tsconfigJson(SPEC, TYPE_ROOTS) });
    if (appModule) {
      writeFileSync(join(dir, 'src/app.module.ts'), appModule);
      continue;
    }
    const file = join(dir, 'src/health/health-checks.module.ts');
    const source = readFileSync(file, 'utf8');
    const without = source.replace(/^ *HttpModule, .*\n/m, '');
    if (without === source) throw new Error(`${file}: no HttpModule line to remove`);
    writeFileSync(file, without);
  }
}

async function start(side: 'before' | 'after' | keyof typeof VARIANTS): Promise<RunningApp> {
  if (failure) throw failure;
  const app = await startApp(join(appDir, side));
  return { ...app, url: app.url.replace('[::1]', '127.0.0.1') };
}

function upBody(): unknown {
  const entries = {
    payments: { status: 'up' },
    settlements: { status: 'up', backlog: 0 },
    memory_heap: { status: 'up' },
  };
  return { status: 'ok', info: entries, error: {}, details: entries };
}

/** Both sides' answers, to compare them. */
const seen: Record<string, HttpAnswer> = {};

/** What each side did on SIGTERM: how /health answered meanwhile, and how long it took. */
async function terminate(app: RunningApp): Promise<{ during: HttpAnswer; exit: StopResult }> {
  const stopped = stopApp(app, 4 * DRAIN_MS);
  const during = await poll(`${app.url}/health`, (answer) => answer.status === 503);
  return { during, exit: await stopped };
}

/** The guide's ```json block right after its "After" code: the body it documents. */
function documentedBody(): unknown {
  const guide = readFileSync(join(REPO_ROOT, GUIDE), 'utf8');
  const after = guide.slice(guide.indexOf('\n## After'));
  const block = /```json\n([\s\S]*?)```/.exec(after.slice(0, after.indexOf('\n## ', 1)));
  if (!block) throw new Error(`${GUIDE}: no json block in the "After" section`);
  return JSON.parse(block[1]);
}

describe('the guide', () => {
  it('shows only excerpts of the two apps this test runs, each marked so', () => {
    const blocks = tsBlocks(GUIDE);
    expect(blocks.length).toBeGreaterThanOrEqual(7);
    for (const { path, code } of blocks) {
      expect(path).toMatch(new RegExp(`^${EXAMPLES}/(before|after)/src/`));
      const source = readFileSync(join(REPO_ROOT, path!), 'utf8');
      expect([path, isExcerpt(code, source)]).toEqual([path, true]);
    }
  });

  it('moves the custom indicator over unchanged', () => {
    const file = (side: string) =>
      readFileSync(join(REPO_ROOT, EXAMPLES, side, 'src/health/settlements.health.ts'), 'utf8');
    expect(file('after')).toBe(file('before'));
  });
});

describe('before: the Terminus 11 app', () => {
  let app: RunningApp;

  beforeAll(async () => {
    app = await start('before');
  }, 90_000);

  it('installs Terminus 11 beside the packed package without peer conflicts', () => {
    expect(peerWarnings(installOutput)).toEqual([]);
    const terminus = JSON.parse(
      readFileSync(join(appDir, 'node_modules/@nestjs/terminus/package.json'), 'utf8'),
    ) as { version: string };
    expect(terminus.version).toMatch(/^11\./);
  });

  it('answers 200 while payments is up, 503 while it is down', async () => {
    payments.down = false;
    seen.beforeUp = await poll(`${app.url}/health`, (answer) => answer.status === 200);
    expect(json(seen.beforeUp)).toEqual(upBody());
    payments.down = true;
    seen.beforeDown = await get(`${app.url}/health`);
    expect(seen.beforeDown.status).toBe(503);
    payments.down = false;
  });

  it('SIGTERM: /health says shutting_down for gracefulShutdownTimeoutMs, then it exits', async () => {
    const { during, exit } = await terminate(app);
    expect(json<{ status: string }>(during).status).toBe('shutting_down');
    expect(exit.killed).toBe(false);
    expect(exit.ms).toBeGreaterThanOrEqual(DRAIN_MS);
    seen.beforeShutdown = during;
  });
});

describe('after: the guide applied', () => {
  let app: RunningApp;

  beforeAll(async () => {
    app = await start('after');
  }, 90_000);

  it('answers 200 with the documented body, the one Terminus gave', async () => {
    payments.down = false;
    const up = await poll(`${app.url}/health`, (answer) => answer.status === 200);
    expect(json(up)).toEqual(documentedBody());
    expect(json(up)).toEqual(upBody());
    expect(json(up)).toEqual(json(seen.beforeUp));
  });

  it('answers 503 while payments is down, with the body Terminus gave', async () => {
    payments.down = true;
    const down = await poll(`${app.url}/health`, (answer) => answer.status === 503);
    expect(json(down)).toEqual(json(seen.beforeDown));
    expect(json(down)).toEqual(
      expect.objectContaining({
        status: 'error',
        error: {
          payments: {
            status: 'down',
            message: 'Request failed with status code 503',
            statusCode: 503,
            statusText: 'Service Unavailable',
          },
          settlements: { status: 'down', message: 'Request failed with status code 503' },
        },
      }),
    );
    payments.down = false;
    await poll(`${app.url}/health`, (answer) => answer.status === 200);
  });

  it('SIGTERM: /health and readiness 503 for shutdownDelayMs, then a clean exit', async () => {
    const stopped = stopApp(app, 4 * DRAIN_MS);
    const during = await poll(`${app.url}/health`, (answer) => answer.status === 503);
    expect(json(during)).toEqual(json(seen.beforeShutdown));
    expect((await get(`${app.url}/v1/health/ready`)).status).toBe(503);
    expect((await get(`${app.url}/v1/health/live`)).status).toBe(200);
    const exit = await stopped;
    expect(exit).toEqual(expect.objectContaining({ code: 0, signal: null, killed: false }));
    expect(app.output()).toMatch(`SIGTERM received: draining for ${DRAIN_MS} ms, then closing`);
    // As long as Terminus's gracefulShutdownTimeoutMs, not twice as long.
    expect(exit.ms).toBeGreaterThanOrEqual(DRAIN_MS);
    expect(exit.ms).toBeLessThan(2 * DRAIN_MS);
    // HealthModule logs each transition (payments went down above); nothing else is an error.
    const unexpected = errorLines(app.output()).filter((line) => !/HealthTransitions/.test(line));
    expect(unexpected).toEqual([]);
  });
});

describe('without HttpModule (what the guide warns of)', () => {
  it('the custom indicator that injects HttpService stops the app at startup', async () => {
    await expect(start('no-http-module')).rejects.toThrow(
      /exited[\s\S]*resolve dependencies of the SettlementsHealthIndicator[\s\S]*HttpService/,
    );
  });

  it("Terminus 11's HTTP indicator: the app boots, then /health answers 503", async () => {
    const app = await start('ping-only');
    // Its first answers say the first run is not over yet; then the run's own failure.
    const down = await poll(`${app.url}/health`, (answer) => answer.text.includes('HttpService'));
    expect(down.status).toBe(503);
    expect(json(down)).toEqual(
      expect.objectContaining({
        status: 'error',
        error: {
          payments: expect.objectContaining({
            status: 'down',
            message: expect.stringMatching(
              /^payments check failed: It seems like "HttpService" is not available in the current context/,
            ),
          }),
        },
      }),
    );
    expect((await stopApp(app, 10_000)).killed).toBe(false);
  });
});
