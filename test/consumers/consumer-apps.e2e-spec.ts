/**
 * `@nest-health/core` as an outside team gets it: the packed tarball installed with npm (no
 * `--force`, no `--legacy-peer-deps`) into throwaway apps, compiled with tsc, run with plain
 * `node`, and called over HTTP. Apps: Nest 11 on Express (CommonJS, node10 resolution), Nest 11
 * on Fastify (CommonJS, NodeNext resolution) and Nest 12 on Express (ESM). Nest 12 is never
 * loaded into this process: it only runs in its child process.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LEGACY_KEYS } from '../support/legacy';
import { SseClient } from '../support/sse-client';
import type { HttpAnswer, RunResult, RunningApp } from './consumer-app';
import {
  childEnv,
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
  run,
  snapshotLibrary,
  startApp,
  stopApp,
  TYPE_ROOTS,
  writeFiles,
} from './consumer-app';
import type { ConsumerAppSpec } from './consumer-sources';
import {
  CONSUMER_ADMIN_KEY,
  ENTRIES_WITHOUT_OTHER_PEERS,
  libraryTypesFiles,
  libraryTypesProject,
  nestDependencies,
  packageJson,
  sourceFiles,
  tsconfigJson,
  TYPE_RESOLUTIONS,
  VERSIONS,
} from './consumer-sources';

const APPS: readonly ConsumerAppSpec[] = [
  {
    name: 'nest11-express',
    platform: 'express',
    nest: 11,
    resolution: 'node10',
    libraryTypes: true,
  },
  { name: 'nest11-fastify', platform: 'fastify', nest: 11, resolution: 'nodenext' },
  {
    name: 'nest12-express-esm',
    platform: 'express',
    nest: 12,
    resolution: 'nodenext',
    terminus: true,
  },
  {
    name: 'nest11-express-scheduled',
    platform: 'express',
    nest: 11,
    resolution: 'node10',
    scheduleAndPrometheus: true,
  },
  {
    name: 'nest12-express-esm-scheduled',
    platform: 'express',
    nest: 12,
    resolution: 'nodenext',
    scheduleAndPrometheus: true,
  },
];

/** A folder with the tarball and Nest 11 but no prom-client: the metrics entry must say so. */
const NO_PROM_CLIENT = 'nest11-no-prom-client';

const SETUP_TIMEOUT_MS = 8 * 60_000;

// Each test polls for up to 10 s: leave room on a loaded 2-core machine.
jest.setTimeout(30_000);

interface Prepared {
  dir: string;
  install?: RunResult;
  build?: RunResult;
  app?: RunningApp;
  /** The step that failed and its error: every test of that app reports it. */
  failure?: Error;
}

let workspace: string | undefined;
const prepared = new Map<string, Prepared>();
const timings: Record<string, number> = {};

async function timed<T>(label: string, step: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await step();
  } finally {
    timings[label] = Date.now() - started;
  }
}

async function prepareApp(spec: ConsumerAppSpec, tarball: string): Promise<void> {
  const state: Prepared = { dir: join(workspace as string, spec.name) };
  prepared.set(spec.name, state);
  try {
    writeFiles(state.dir, {
      'package.json': packageJson(spec, {
        '@nest-health/core': `file:${tarball}`,
        ...nestDependencies(spec.nest, spec.platform),
        'prom-client': VERSIONS.promClient,
        ...(spec.terminus ? { '@nestjs/terminus': VERSIONS.terminus } : {}),
        ...(spec.scheduleAndPrometheus
          ? {
              '@nestjs/schedule': spec.nest === 12 ? VERSIONS.schedule12 : VERSIONS.schedule11,
              '@willsoto/nestjs-prometheus': VERSIONS.willsoto,
            }
          : {}),
      }),
      'tsconfig.json': tsconfigJson(spec, TYPE_ROOTS),
      ...(spec.libraryTypes ? libraryTypesFiles(TYPE_ROOTS) : {}),
      ...Object.fromEntries(
        Object.entries(sourceFiles(spec)).map(([file, text]) => [join('src', file), text]),
      ),
    });
    state.install = await timed(`${spec.name}: npm install`, () => npmInstall(state.dir));
    state.build = await timed(`${spec.name}: tsc`, () => compile(state.dir));
    state.app = await timed(`${spec.name}: start`, () => startApp(state.dir));
  } catch (error) {
    state.failure = error instanceof Error ? error : new Error(String(error));
  }
}

async function prepareNoPromClient(tarball: string): Promise<void> {
  const state: Prepared = { dir: join(workspace as string, NO_PROM_CLIENT) };
  prepared.set(NO_PROM_CLIENT, state);
  try {
    writeFiles(state.dir, {
      'package.json': packageJson(
        { name: NO_PROM_CLIENT, nest: 11 },
        { '@nest-health/core': `file:${tarball}`, ...nestDependencies(11, undefined) },
      ),
    });
    state.install = await timed(`${NO_PROM_CLIENT}: npm install`, () => npmInstall(state.dir));
  } catch (error) {
    state.failure = error instanceof Error ? error : new Error(String(error));
  }
}

/** The app's state once set up; throws the setup failure (install, tsc or start) otherwise. */
function ready(name: string): Prepared & { app: RunningApp } {
  const state = prepared.get(name);
  if (!state) throw new Error(`${name} was never set up`);
  if (state.failure) throw state.failure;
  if (!state.app) throw new Error(`${name} is not running`);
  return state as Prepared & { app: RunningApp };
}

/** The app's folder once `npm install` succeeded there (tsc or start may have failed after). */
function installed(name: string): Prepared {
  const state = prepared.get(name);
  if (!state) throw new Error(`${name} was never set up`);
  if (!state.install) throw state.failure ?? new Error(`${name} was not installed`);
  return state;
}

function names(body: unknown): string[] {
  const components = (body as { components?: { name?: unknown }[] }).components ?? [];
  return components.map((component) => String(component.name));
}

beforeAll(async () => {
  workspace = createWorkspace();
  await timed('build library (if absent)', () => ensureLibraryBuilt());
  const lib = await timed('snapshot of dist/libs/health', () =>
    snapshotLibrary(join(workspace as string, 'lib')),
  );
  const tarball = await timed('npm pack', () =>
    packLibrary(lib, join(workspace as string, 'pack')),
  );
  await Promise.all([
    ...APPS.map((spec) => prepareApp(spec, tarball)),
    prepareNoPromClient(tarball),
  ]);
  if (process.env.CONSUMER_TIMINGS) process.stderr.write(`${JSON.stringify(timings, null, 2)}\n`);
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
  try {
    await killAll(5000);
  } finally {
    // CONSUMER_KEEP=1 leaves the apps in place to debug them (the path goes to stderr).
    if (process.env.CONSUMER_KEEP) process.stderr.write(`consumer apps kept in ${workspace}\n`);
    else removeWorkspace(workspace);
  }
}, 60_000);

// Before the tests of every app: their last one stops the app.
describe.each(APPS.filter((spec) => spec.terminus))('consumer app $name with Terminus', (spec) => {
  const { name } = spec;

  it('installs @nestjs/terminus 12 beside the package, one Nest for all', () => {
    const state = ready(name);
    const version = (pkg: string) =>
      (
        JSON.parse(readFileSync(join(state.dir, 'node_modules', pkg, 'package.json'), 'utf8')) as {
          version: string;
        }
      ).version;
    expect(version('@nestjs/terminus')).toMatch(/^12\./);
    expect(existsSync(join(state.dir, 'node_modules/@nestjs/terminus/node_modules'))).toBe(false);
  });

  it('GET /api/v1/health/terminus: 200 in Terminus format, the Terminus indicators up', async () => {
    const answer = await poll(`${ready(name).app.url}/api/v1/health/terminus`, (a) =>
      a.text.includes('"queue"'),
    );
    expect(answer.status).toBe(200);
    expect(json(answer)).toEqual({
      status: 'ok',
      info: expect.objectContaining({
        heap: { status: 'up' },
        queue: { status: 'up' },
        payments: { status: 'up' },
      }),
      error: {},
      details: expect.objectContaining({ heap: { status: 'up' }, queue: { status: 'up' } }),
    });
  });

  it("require('@nest-health/core/terminus') loads nothing of @nestjs/terminus", async () => {
    const { dir } = installed(name);
    const script =
      "require('@nest-health/core/terminus'); const loaded = Object.keys(require.cache).filter(p => /node_modules\\/@nestjs\\/terminus\\//.test(p)); console.log(JSON.stringify(loaded))";
    const result = await run(process.execPath, ['-e', script], { cwd: dir, env: childEnv() });
    expect([result.code, result.stderr]).toEqual([0, '']);
    expect(JSON.parse(result.stdout)).toEqual([]);
  });
});

// The design card's packages, in the app beside the health modules with no extra option.
describe.each(APPS.filter((spec) => spec.scheduleAndPrometheus))(
  'consumer app $name with ScheduleModule and PrometheusModule',
  (spec) => {
    const { name } = spec;
    const url = (path: string) => `${ready(name).app.url}${path}`;

    it('lists the health evaluation in SchedulerRegistry, and says so once at startup', async () => {
      const answer = await get(url('/api/jobs'));
      expect([answer.status, json(answer)]).toEqual([200, { intervals: ['health-evaluation'] }]);
      const lines = ready(name).app.output().split('\n');
      expect(lines.filter((line) => line.includes('SchedulerRegistry'))).toEqual([
        expect.stringContaining(
          'Health evaluation scheduled every 10000 ms as SchedulerRegistry interval "health-evaluation"',
        ),
      ]);
    });

    it("serves the health series and the process metrics at willsoto's /metrics, mounting none of its own", async () => {
      const answer = await poll(url('/api/metrics'), (a) =>
        a.text.includes('health_component_status{component="payments",state="healthy"} 1'),
      );
      expect(answer.text).toMatch(/^process_cpu_user_seconds_total /m);
      expect(answer.text).toMatch(/^health_evaluation_age_seconds \d/m);
      const output = ready(name).app.output();
      expect(output).toMatch(/PrometheusController \{\/(api\/)?metrics\}/);
      expect(output).not.toMatch(/HealthMetricsController/);
      expect(output.split('\n').filter((line) => line.includes('no second /metrics'))).toHaveLength(
        1,
      );
    });
  },
);

describe.each(APPS)('consumer app $name', (spec) => {
  const { name } = spec;
  const url = (path: string) => `${ready(name).app.url}${path}`;

  it('installs the tarball without peer-dependency conflicts, compiles and starts', () => {
    const state = ready(name);
    expect(peerWarnings(`${state.install?.stdout}\n${state.install?.stderr}`)).toEqual([]);
    // One Nest (and one prom-client) for app and library: nothing nested under the package.
    expect(existsSync(join(state.dir, 'node_modules/@nest-health/core/node_modules'))).toBe(false);
    const nest = JSON.parse(
      readFileSync(join(state.dir, 'node_modules/@nestjs/core/package.json'), 'utf8'),
    ) as { version: string };
    expect(nest.version.split('.')[0]).toBe(String(spec.nest));
    expect(state.app.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('GET /api/v1/health: 200, the six legacy keys in order, version 9.9.9', async () => {
    const answer = await get(url('/api/v1/health'));
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    const body = json<Record<string, unknown>>(answer);
    expect(Object.keys(body)).toEqual(LEGACY_KEYS);
    expect(body.version).toBe('9.9.9');
  });

  it('GET /api/v1/health/components: 200 with the payments indicator and the inline check', async () => {
    const answer = await poll(
      url('/api/v1/health/components'),
      (a) => a.status === 200 && ['payments', 'inline'].every((n) => a.text.includes(`"${n}"`)),
    );
    expect(answer.status).toBe(200);
    const body = json<Record<string, unknown>>(answer);
    expect(body).toEqual(
      expect.objectContaining({
        overall_status: expect.any(String),
        components: expect.any(Array),
      }),
    );
    expect(names(body)).toEqual(expect.arrayContaining(['payments', 'inline']));
  });

  it('GET /api/v1/health/components/payments: 200 healthy', async () => {
    const answer = await get(url('/api/v1/health/components/payments'));
    expect(answer.status).toBe(200);
    expect(json(answer)).toEqual(expect.objectContaining({ status: 'healthy' }));
  });

  it('probes: GET /api/v1/health/live, /ready and /startup answer 200', async () => {
    const live = await get(url('/api/v1/health/live'));
    const ready200 = await get(url('/api/v1/health/ready'));
    const startup = await poll(url('/api/v1/health/startup'), (a) => a.status === 200);
    expect([live.status, live.text]).toEqual([200, 'ok\n']);
    expect(ready200.status).toBe(200);
    expect(ready200.text).toMatch(/ok\n$|passed\n$/);
    expect(startup.status).toBe(200);
  });

  it('GET /api/v1/health/status: the self-contained HTML status page with every component', async () => {
    const answer = await poll(url('/api/v1/health/status'), (a) => a.text.includes('payments'));
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
    expect(answer.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(answer.text).toContain('payments');
    expect(answer.text).toContain('inline');
    expect((await get(url('/api/v1/health/status?window=2d'))).status).toBe(400);
  });

  it('GET /api/v1/health/events: a text/event-stream whose first report lists the components', async () => {
    const stream = await SseClient.connect(url('/api/v1/health/events'));
    try {
      expect(stream.status).toBe(200);
      expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
      await stream.waitFor((events) => events.some((e) => e.event === 'report'));
      const [report] = stream.data<{ components: { name: string }[] }>('report');
      expect(report.components.map((c) => c.name)).toEqual(
        expect.arrayContaining(['payments', 'inline']),
      );
    } finally {
      stream.close();
    }
  });

  it('GET /api/v1/health/config (HealthConfigModule): 401 without the admin key, the configuration with it', async () => {
    expect((await get(url('/api/v1/health/config'))).status).toBe(401);
    const answer = await get(url('/api/v1/health/config'), { 'x-api-key': CONSUMER_ADMIN_KEY });
    expect(answer.status).toBe(200);
    expect(json(answer)).toEqual(
      expect.objectContaining({
        version: 1,
        scope: 'instance',
        checks: expect.objectContaining({ inline: expect.any(Object) }),
      }),
    );
  });

  it('GET /api/health: 301 to /api/v1/health (the global prefix included)', async () => {
    const answer = await get(url('/api/health'));
    expect([answer.status, answer.headers.get('location')]).toEqual([301, '/api/v1/health']);
  });

  it('GET /api/metrics: Prometheus text with the payments series', async () => {
    const answer = await poll(url('/api/metrics'), (a) =>
      a.text.includes('health_component_status{component="payments"'),
    );
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(answer.text).toContain(
      'health_component_status{component="payments",state="healthy"} 1',
    );
    expect(answer.text).toContain('health_component_status{component="inline",state="healthy"} 1');
    expect(answer.text).toMatch(/^health_overall_status\{[^}]*\} \d/m);
    expect(answer.text).toMatch(/^health_check_runs_total\{component="payments",[^}]*\} \d/m);
  });

  it("the app's own OrdersService gets HealthService injected", async () => {
    const status = await poll(
      url('/api/orders/status'),
      (a) => a.status === 200 && json<{ paymentsHealthy?: boolean }>(a).paymentsHealthy === true,
    );
    expect([status.status, json(status)]).toEqual([200, { paymentsHealthy: true }]);
    const components: HttpAnswer = await get(url('/api/orders/components'));
    expect(components.status).toBe(200);
    expect(json<{ components: string[] }>(components).components).toEqual(
      expect.arrayContaining(['payments', 'inline']),
    );
  });

  it('printed no error or stack trace (startup and the requests above)', () => {
    const { app } = ready(name);
    expect(errorLines(app.output())).toEqual([]);
    expect(app.exited()).toBeUndefined();
  });

  it('SIGTERM (enableShutdownHooks): exits within 5 s, printing no error', async () => {
    const { app } = ready(name);
    const stopped = await stopApp(app, 5000);
    // Nest closes the app, then re-raises the signal: exit by SIGTERM (or code 0) is clean.
    expect({
      killed: stopped.killed,
      clean: stopped.signal === 'SIGTERM' || stopped.code === 0,
    }).toEqual({ killed: false, clean: true });
    expect(errorLines(app.output())).toEqual([]);
  });
});

describe('the installed package', () => {
  const typesApp = APPS.find((spec) => spec.libraryTypes)?.name as string;

  it.each(TYPE_RESOLUTIONS)(
    `its types compile with skipLibCheck: false (%s) in an app with Nest and prom-client only: entries ${ENTRIES_WITHOUT_OTHER_PEERS.map((e) => `'${e || '.'}'`).join(', ')}`,
    async (resolution) => {
      const { dir } = installed(typesApp);
      const present = ['cockatiel', 'ioredis', 'pg', 'yaml', '@nestjs/swagger', '@nestjs/terminus'];
      expect(present.filter((peer) => existsSync(join(dir, 'node_modules', peer)))).toEqual([]);
      expect(existsSync(join(dir, 'node_modules/prom-client'))).toBe(true);
      const result = await compile(dir, libraryTypesProject(resolution));
      expect(result.stdout + result.stderr).toBe('');
    },
    120_000,
  );

  it("require('@nest-health/core') loads none of the optional peers", async () => {
    const { dir } = installed('nest11-express');
    const script =
      "require('@nest-health/core'); const loaded = Object.keys(require.cache).filter(p => /node_modules\\/(prom-client|ioredis|pg|cockatiel)\\//.test(p)); console.log(JSON.stringify(loaded))";
    const result = await run(process.execPath, ['-e', script], { cwd: dir, env: childEnv() });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([]);
  });

  it('keeps runtime configuration and Gemini off the main entry, on their own sub-paths', async () => {
    const { dir } = installed('nest11-express');
    const script = [
      "const main = require('@nest-health/core');",
      "const config = require('@nest-health/core/config');",
      "const gemini = require('@nest-health/core/gemini');",
      'const loaded = Object.keys(require.cache).filter(p => /node_modules\\/(ioredis|yaml)\\//.test(p));',
      'console.log(JSON.stringify({',
      "  main: ['HealthConfigModule', 'AiModelIndicator', 'isAuthorized'].filter(n => n in main),",
      "  config: ['HealthConfigModule', 'HealthConfigService'].filter(n => typeof config[n] === 'function'),",
      '  gemini: typeof gemini.AiModelIndicator,',
      '  loaded,',
      '}))',
    ].join('\n');
    const result = await run(process.execPath, ['-e', script], { cwd: dir, env: childEnv() });
    expect([result.code, result.stderr]).toEqual([0, '']);
    expect(JSON.parse(result.stdout)).toEqual({
      main: [],
      config: ['HealthConfigModule', 'HealthConfigService'],
      gemini: 'function',
      loaded: [],
    });
  });

  it("require('@nest-health/core/metrics') without prom-client fails naming prom-client", async () => {
    const state = installed(NO_PROM_CLIENT);
    const result = await run(process.execPath, ['-e', "require('@nest-health/core/metrics')"], {
      cwd: state.dir,
      env: childEnv(),
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('prom-client');
    expect(result.stderr).toMatch(/npm (install|i) .*prom-client/);
  });
});
