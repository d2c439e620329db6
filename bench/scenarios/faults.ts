import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FakeGemini } from '../../test/support/fake-gemini';
import { HangProxy } from '../../test/support/hang-proxy';
import { databaseUrlOnPort, parseDatabaseUrl } from '../../test/support/postgres';
import type { BenchContext, ScenarioOutcome } from '../support/context';
import type { LoadResult } from '../support/load';
import { runLoad } from '../support/load';
import type { HttpAnswer } from '../support/processes';
import { Child, freePort, httpGet, sleep, waitFor } from '../support/processes';
import { HOST_ENV, startServer } from '../support/servers';
import { fixed, median, percentile, table, verdict } from '../support/stats';
import type { Target } from '../support/targets';
import { target } from '../support/targets';

/**
 * Issue 23's measurements: no health answer waits on a hung dependency.
 *
 * 1. Under each fault, `BENCH_FAULT_REQUESTS` (60) sequential requests per endpoint, each on a
 *    fresh connection, from the fault's start: ours (the built service, default settings:
 *    `HEALTH_RESPONSE_BUDGET_MS=50`, evaluation every 10 s) on `GET /v1/health` and
 *    `GET /v1/health/components`, alternating; Terminus (bench/support/terminus-faults.server.mjs,
 *    the same dependencies through @nestjs/terminus 12) on its health route. The faults:
 *    - `Redis SIGSTOP`: the private redis-server stopped (SIGCONT after);
 *    - `PostgreSQL hang`: PostgreSQL behind a proxy that stops answering mid-life (its open
 *      connection and new ones, test/support/hang-proxy.ts), the `database` check enabled;
 *    - `AI provider hang`: a fake provider behind the same kind of proxy, probe mode, probe TTL 0.
 *    Also: when the failure first showed (ours: the legacy body; Terminus: a 503), and how long
 *    after the fault ended the component was healthy again.
 * 2. Under load with no fault (autocannon, `BENCH_CONNECTIONS` (64) connections,
 *    `BENCH_FAULTS_LOAD_S` (5) s per run, `BENCH_ROUNDS` rounds): ours `/v1/health` p99 against
 *    `/v1/health/live` p99 in the same process, and ours `/v1/health` req/s against the Terminus 12
 *    anchor, plain (bench/terminus/app.mjs, as in the http scenario).
 *
 * Targets (issue 23): ours p99 <= 100 ms on both endpoints under every fault, the legacy body
 * always 200; under load `/v1/health` p99 <= 1.5x the liveness p99 and req/s >= 2.5x Terminus.
 */
const REQUESTS = Number(process.env.BENCH_FAULT_REQUESTS ?? 60);
const LOAD_S = Number(process.env.BENCH_FAULTS_LOAD_S ?? 5);
const WARMUP_REQUESTS = 10;
const TARGET_P99_MS = 100;
const TARGET_TAIL_RATIO = 1.5;
const TARGET_THROUGHPUT_RATIO = 2.5;
const AI_MODEL = 'gemini-2.0-flash-exp';
const AI_KEY = 'bench-placeholder-not-a-key';

const FAULTS = ['Redis SIGSTOP', 'PostgreSQL hang', 'AI provider hang'] as const;
type Fault = (typeof FAULTS)[number];
const SIDES = ['ours', 'terminus'] as const;
type Side = (typeof SIDES)[number];

interface EndpointFigures {
  path: string;
  requests: number;
  /** Answers per HTTP status; `error` for none within 10 s. */
  statuses: Record<string, number>;
  p50: number;
  p99: number;
  max: number;
  /** Ours, `/components`: answers marked `last_known` (did not wait for every check). */
  lastKnown?: number;
}

interface FaultRun {
  fault: Fault;
  side: Side;
  endpoints: EndpointFigures[];
  /** ms from the fault's start to the first answer showing it. */
  shownAfterMs?: number;
  /** ms from the fault's end until the component was healthy again. */
  healthyAgainAfterMs?: number;
}

interface LoadRound {
  round: number;
  health: LoadResult;
  live: LoadResult;
  terminus: LoadResult;
}

/** One fault, for one side: the environment, how it starts and ends. */
interface Fixture {
  component: 'cache' | 'database' | 'ai_model';
  ours: Record<string, string>;
  terminus: Record<string, string>;
  start(): void;
  end(): void;
  release(): Promise<void>;
}

export async function runFaults(ctx: BenchContext): Promise<ScenarioOutcome> {
  const runs: FaultRun[] = [];
  for (const fault of FAULTS) {
    for (const side of SIDES) {
      const run = await measureFault(ctx, fault, side);
      runs.push(run);
      console.log(`  faults ${side.padEnd(8)} ${fault.padEnd(16)} ${runText(run)}`);
    }
  }
  const rounds: LoadRound[] = [];
  for (let round = 1; round <= ctx.config.rounds; round++) {
    const figures = await measureLoad(ctx, round);
    rounds.push(figures);
    console.log(
      `  faults load round ${round}: ours /v1/health ${fixed(figures.health.rps, 0)} req/s p99 ${figures.health.p99} ms;` +
        ` live p99 ${figures.live.p99} ms; Terminus plain ${fixed(figures.terminus.rps, 0)} req/s`,
    );
  }
  return outcome(ctx, runs, rounds);
}

function runText(run: FaultRun): string {
  const parts = run.endpoints.map(
    (e) =>
      `${e.path} ${statusText(e.statuses)} p50 ${fixed(e.p50, 0)} p99 ${fixed(e.p99, 0)} max ${fixed(e.max, 0)} ms` +
      (e.lastKnown === undefined ? '' : ` (${e.lastKnown} last known)`),
  );
  return (
    `${parts.join('; ')}; shown after ${fixed(run.shownAfterMs ?? NaN, 0)} ms;` +
    ` healthy again after ${fixed(run.healthyAgainAfterMs ?? NaN, 0)} ms`
  );
}

async function prepare(ctx: BenchContext, fault: Fault): Promise<Fixture> {
  const redis = ctx.redis!;
  if (fault === 'Redis SIGSTOP') {
    return {
      component: 'cache',
      ours: {},
      terminus: {},
      start: () => redis.pause(),
      end: () => redis.resume(),
      release: async () => redis.resume(),
    };
  }
  if (fault === 'PostgreSQL hang') {
    if (!ctx.databaseUrl) throw new Error('the faults scenario needs a PostgreSQL (databaseUrl)');
    const database = parseDatabaseUrl(ctx.databaseUrl);
    if (!['127.0.0.1', 'localhost'].includes(database.host)) {
      throw new Error('the faults scenario needs a PostgreSQL on loopback');
    }
    const proxy = await HangProxy.start(database.port);
    const url = databaseUrlOnPort(database, proxy.port);
    return {
      component: 'database',
      ours: {
        HEALTH_CHECK_ENABLED_COMPONENTS: `${HOST_ENV.HEALTH_CHECK_ENABLED_COMPONENTS},database`,
        DATABASE_URL: url,
      },
      terminus: { DATABASE_URL: url },
      start: () => proxy.hang(),
      end: () => proxy.restore(),
      release: () => proxy.close(),
    };
  }
  const gemini = await FakeGemini.start();
  const proxy = await HangProxy.start(Number(new URL(gemini.baseUrl).port));
  const base = `http://127.0.0.1:${proxy.port}`;
  return {
    component: 'ai_model',
    ours: {
      GEMINI_BASE_URL: base,
      HEALTH_CHECK_AI_MODEL_PROBE: 'true',
      HEALTH_CHECK_AI_MODEL_PROBE_TTL_MS: '0',
    },
    terminus: { AI_PROBE_URL: `${base}/v1beta/models/${AI_MODEL}` },
    start: () => proxy.hang(),
    end: () => proxy.restore(),
    release: async () => {
      await proxy.close();
      await gemini.stop();
    },
  };
}

interface Started {
  child: Child;
  base: string;
  paths: string[];
}

async function start(ctx: BenchContext, side: Side, fixture: Fixture): Promise<Started> {
  const port = await freePort();
  const preload = pathToFileURL(join(ctx.root, 'bench/support/preload.mjs')).href;
  const common = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PORT: String(port),
    REDIS_URL: ctx.redis!.url,
  };
  const launch =
    side === 'ours'
      ? {
          args: ['--import', preload, join(ctx.apiDir, 'main.js')],
          env: { ...common, ...HOST_ENV, ...fixture.ours },
        }
      : {
          args: ['--import', preload, 'bench/support/terminus-faults.server.mjs'],
          env: {
            ...common,
            NODE_ENV: 'production',
            GEMINI_API_KEY: AI_KEY,
            ...fixture.terminus,
          },
        };
  const child = Child.start({
    name: `faults-${side}-${fixture.component}-${port}`,
    command: process.execPath,
    cwd: ctx.root,
    logDir: ctx.logDir,
    ...launch,
  });
  const base = `http://127.0.0.1:${port}`;
  const paths = side === 'ours' ? ['/v1/health', '/v1/health/components'] : ['/v1/health'];
  try {
    await waitFor(`${base}${paths.at(-1)}`, (a) => healthy(side, a, fixture.component), child);
  } catch (error) {
    await child.stop();
    throw error;
  }
  return { child, base, paths };
}

/** The component is healthy: in our full report, or Terminus's whole answer is 200. */
function healthy(side: Side, answer: HttpAnswer | undefined, component: string): boolean {
  if (!answer || answer.status !== 200) return false;
  if (side === 'terminus') return true;
  const report = JSON.parse(answer.body) as { components?: { name: string; status: string }[] };
  return report.components?.find((c) => c.name === component)?.status === 'healthy';
}

/** Our legacy body shows the failing component (Terminus: any 503). */
function shows(side: Side, path: string, answer: HttpAnswer | undefined, component: string) {
  if (!answer) return false;
  if (side === 'terminus') return answer.status === 503;
  if (path !== '/v1/health') return false;
  const body = JSON.parse(answer.body) as Record<string, unknown>;
  if (component === 'cache') return body.cache_healthy === false;
  if (component === 'ai_model') return body.ai_model_available === false;
  return body.status === 'degraded';
}

async function ask(url: string): Promise<HttpAnswer | undefined> {
  try {
    return await httpGet(url, 10_000);
  } catch {
    return undefined;
  }
}

async function measureFault(ctx: BenchContext, fault: Fault, side: Side): Promise<FaultRun> {
  const fixture = await prepare(ctx, fault);
  let server: Started | undefined;
  try {
    server = await start(ctx, side, fixture);
    const { base, paths } = server;
    for (let i = 0; i < WARMUP_REQUESTS; i++) for (const path of paths) await ask(`${base}${path}`);
    const answers = new Map(paths.map((path) => [path, [] as (HttpAnswer | undefined)[]]));
    let shownAfterMs: number | undefined;
    let healthyAgainAfterMs: number | undefined;
    const since = performance.now();
    try {
      fixture.start();
      for (let i = 0; i < REQUESTS; i++) {
        for (const path of paths) {
          const answer = await ask(`${base}${path}`);
          answers.get(path)!.push(answer);
          if (shownAfterMs === undefined && shows(side, path, answer, fixture.component)) {
            shownAfterMs = performance.now() - since;
          }
        }
      }
    } finally {
      fixture.end();
    }
    const ended = performance.now();
    const probe = `${base}${paths.at(-1)}`;
    while (performance.now() - ended < 20_000) {
      if (healthy(side, await ask(probe), fixture.component)) {
        healthyAgainAfterMs = performance.now() - ended;
        break;
      }
      await sleep(20);
    }
    return {
      fault,
      side,
      endpoints: paths.map((path) => figuresOf(path, answers.get(path)!)),
      shownAfterMs,
      healthyAgainAfterMs,
    };
  } finally {
    fixture.end();
    await server?.child.stop();
    await fixture.release();
  }
}

function figuresOf(path: string, answers: (HttpAnswer | undefined)[]): EndpointFigures {
  const statuses: Record<string, number> = {};
  for (const answer of answers) {
    const key = answer ? String(answer.status) : 'error';
    statuses[key] = (statuses[key] ?? 0) + 1;
  }
  // A request with no answer counts at the client's 10 s limit.
  const ms = answers.map((a) => a?.ms ?? 10_000).sort((a, b) => a - b);
  return {
    path,
    requests: answers.length,
    statuses,
    p50: percentile(ms, 50),
    p99: percentile(ms, 99),
    max: ms.at(-1) ?? NaN,
    ...(path === '/v1/health/components'
      ? { lastKnown: answers.filter((a) => a?.body.includes('"last_known":true')).length }
      : {}),
  };
}

/** Ours /v1/health and /v1/health/live in one process, then the Terminus anchor, plain. */
async function measureLoad(ctx: BenchContext, round: number): Promise<LoadRound> {
  const { connections, warmupS } = ctx.config;
  const ours = await startServer(ctx, 'ours', { tag: `faults-load-r${round}` });
  let health: LoadResult;
  let live: LoadResult;
  try {
    const url = (path: string) => `${ours.base}${path}`;
    await runLoad({ url: url('/v1/health'), connections, durationS: warmupS });
    // The order alternates: neither route always runs on the warmer process.
    if (round % 2 === 1) {
      health = await runLoad({ url: url('/v1/health'), connections, durationS: LOAD_S });
      live = await runLoad({ url: url('/v1/health/live'), connections, durationS: LOAD_S });
    } else {
      live = await runLoad({ url: url('/v1/health/live'), connections, durationS: LOAD_S });
      health = await runLoad({ url: url('/v1/health'), connections, durationS: LOAD_S });
    }
  } finally {
    await ours.child.stop();
  }
  const anchor = await startServer(ctx, 'terminus', { tag: `faults-load-r${round}` });
  try {
    const url = `${anchor.base}${anchor.path}`;
    await runLoad({ url, connections, durationS: warmupS });
    const terminus = await runLoad({ url, connections, durationS: LOAD_S });
    return { round, health, live, terminus };
  } finally {
    await anchor.child.stop();
  }
}

function statusText(statuses: Record<string, number>): string {
  return Object.entries(statuses)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, count]) => `${status}: ${count}`)
    .join(', ');
}

function outcome(ctx: BenchContext, runs: FaultRun[], rounds: LoadRound[]): ScenarioOutcome {
  const rows = runs.flatMap((run) =>
    run.endpoints.map((e) => [
      run.side === 'ours' ? 'ours, default settings' : 'Terminus 12',
      run.fault,
      e.path,
      statusText(e.statuses),
      e.lastKnown === undefined ? '' : String(e.lastKnown),
      fixed(e.p50, 0),
      fixed(e.p99, 0),
      fixed(e.max, 0),
      fixed(run.shownAfterMs ?? NaN, 0),
      fixed(run.healthyAgainAfterMs ?? NaN, 0),
    ]),
  );
  const targets: Target[] = [];
  for (const run of runs.filter((r) => r.side === 'ours')) {
    for (const e of run.endpoints) {
      targets.push(target(`${run.fault}: ours ${e.path} p99`, e.p99, '<=', TARGET_P99_MS, 'ms'));
    }
    const legacy = run.endpoints.find((e) => e.path === '/v1/health')!;
    const not200 = legacy.requests - (legacy.statuses['200'] ?? 0);
    targets.push(target(`${run.fault}: ours /v1/health answers other than 200`, not200, '<=', 0));
  }
  const m = (pick: (r: LoadRound) => number) => median(rounds.map(pick));
  const healthP99 = m((r) => r.health.p99);
  const liveP99 = m((r) => r.live.p99);
  const tail = healthP99 / liveP99;
  const throughput = m((r) => r.health.rps) / m((r) => r.terminus.rps);
  targets.push(
    target(
      'no fault, under load: ours /v1/health p99 / live p99',
      tail,
      '<=',
      TARGET_TAIL_RATIO,
      'x',
    ),
    target(
      'no fault, under load: ours /v1/health / Terminus plain (req/s)',
      throughput,
      '>=',
      TARGET_THROUGHPUT_RATIO,
      'x',
    ),
  );
  const loadRows = [
    [
      'ours /v1/health',
      fixed(
        m((r) => r.health.rps),
        0,
      ),
      `${m((r) => r.health.p50)}`,
      `${healthP99}`,
    ],
    [
      'ours /v1/health/live',
      fixed(
        m((r) => r.live.rps),
        0,
      ),
      `${m((r) => r.live.p50)}`,
      `${liveP99}`,
    ],
    [
      'Terminus 12 plain (anchor) /v1/health',
      fixed(
        m((r) => r.terminus.rps),
        0,
      ),
      `${m((r) => r.terminus.p50)}`,
      `${m((r) => r.terminus.p99)}`,
    ],
  ];
  const { connections } = ctx.config;
  const summary = [
    `Hung dependencies: ${REQUESTS} sequential requests per endpoint from each fault's start (fresh connection each; ours at default settings, budget 50 ms)`,
    table(
      [
        'server',
        'fault',
        'endpoint',
        'answers',
        'last known',
        'p50 ms',
        'p99 ms',
        'max ms',
        'failure shown after ms',
        'healthy again after ms',
      ],
      rows,
    ),
    `ours: p99 <= ${TARGET_P99_MS} ms on both endpoints under every fault: ${verdict(
      targets.filter((t) => t.name.endsWith('p99')).every((t) => t.met),
    )}`,
    '',
    `No fault, under load: ${connections} connections, ${LOAD_S} s per run, medians of ${rounds.length} round(s)`,
    table(['route', 'req/s', 'p50 ms', 'p99 ms'], loadRows),
    `ours /v1/health p99 / live p99: ${fixed(tail, 2)}x (target <= ${TARGET_TAIL_RATIO}x: ${verdict(tail <= TARGET_TAIL_RATIO)}); ` +
      `ours / Terminus plain: ${fixed(throughput, 2)}x req/s (target >= ${TARGET_THROUGHPUT_RATIO}x: ${verdict(throughput >= TARGET_THROUGHPUT_RATIO)})`,
  ].join('\n');
  return { name: 'faults', summary, data: { runs, rounds }, targets };
}
