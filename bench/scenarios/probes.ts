import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BlackHole } from '../../test/support/black-hole';
import type { BenchContext, ScenarioOutcome } from '../support/context';
import type { HttpAnswer } from '../support/processes';
import { Child, freePort, httpGet, sleep, waitFor } from '../support/processes';
import { HOST_ENV } from '../support/servers';
import { fixed, percentile, table, verdict } from '../support/stats';
import { target } from '../support/targets';

/**
 * Scenario 6, readiness under real faults: `BENCH_PROBE_REQUESTS` (200) sequential
 * `GET /v1/health/ready?verbose` on a fresh connection each (as a kubelet sends them), per fault,
 * on the built service with its default probe budget (800 ms) and every other setting default:
 *
 * - `baseline`: no fault;
 * - `database black hole`: `DATABASE_URL` to a TCP server that accepts and never answers
 *   (the `database` check enabled for this run only);
 * - `AI black hole`: `GEMINI_BASE_URL` to the same kind of server, `HEALTH_CHECK_AI_MODEL_PROBE=true`;
 * - `Redis SIGSTOP`: the private Redis stopped just before the requests (SIGCONT in a finally,
 *   then the time until readiness says `[+]cache ok` again);
 * - `Redis killed`: a Redis of this run's own, SIGKILLed just before the requests.
 *
 * Terminus, side by side, where its anchor has an equivalent check (no fault, and both Redis
 * faults; it has no database check and no AI probe): its readiness is its one health route,
 * `GET /v1/health` (503 as soon as a check is down), the same four checks as ours.
 *
 * Target: ours answers within the budget whatever the dependency does, p99 <= 800 + 50 ms.
 */
const BUDGET_MS = 800;
const TARGET_P99_MS = BUDGET_MS + 50;
const WARMUP_REQUESTS = 10;
const FAULTS = [
  'baseline',
  'database black hole',
  'AI black hole',
  'Redis SIGSTOP',
  'Redis killed',
] as const;
type Fault = (typeof FAULTS)[number];
type Side = 'ours' | 'terminus';
/** Faults the Terminus anchor has an equivalent check for. */
const TERMINUS_FAULTS: readonly Fault[] = ['baseline', 'Redis SIGSTOP', 'Redis killed'];

interface ProbeRun {
  side: Side;
  fault: Fault;
  requests: number;
  /** Answers per HTTP status; `error` for no answer within 5 s. */
  statuses: Record<string, number>;
  /** Ours only: answers from the last known state (the evaluation outlasted the budget). */
  stale: number;
  p50: number;
  p99: number;
  max: number;
  /** Redis SIGSTOP: ms from SIGCONT until readiness passes with the cache healthy again. */
  recoveryMs?: number;
}

interface Started {
  child: Child;
  base: string;
  path: string;
}

interface Fixture {
  env: Record<string, string>;
  /** Applies the fault just before the measured requests (faults present from start: none). */
  apply?: () => void | Promise<void>;
  /** Ends the fault; returns ms until readiness passes again, if measured. */
  end?: (server: Started, side: Side) => Promise<number | undefined>;
  release: () => Promise<void>;
}

export async function runProbes(ctx: BenchContext): Promise<ScenarioOutcome> {
  const runs: ProbeRun[] = [];
  for (const fault of FAULTS) {
    const sides: Side[] = TERMINUS_FAULTS.includes(fault) ? ['ours', 'terminus'] : ['ours'];
    for (const side of sides) runs.push(await measure(ctx, side, fault));
  }
  return outcome(ctx, runs);
}

async function measure(ctx: BenchContext, side: Side, fault: Fault): Promise<ProbeRun> {
  const fixture = await prepare(ctx, fault);
  let server: Started | undefined;
  try {
    server = await start(ctx, side, fault, fixture.env);
    const url = `${server.base}${server.path}`;
    for (let i = 0; i < Math.min(WARMUP_REQUESTS, ctx.config.probeRequests); i++) {
      await ask(url);
    }
    const answers: (HttpAnswer | undefined)[] = [];
    let recoveryMs: number | undefined;
    try {
      await fixture.apply?.();
      for (let i = 0; i < ctx.config.probeRequests; i++) answers.push(await ask(url));
    } finally {
      recoveryMs = await fixture.end?.(server, side);
    }
    const run = summarize(side, fault, answers, recoveryMs);
    console.log(
      `  probes ${side.padEnd(8)} ${fault.padEnd(19)} ${statusText(run.statuses)}; p50 ${fixed(run.p50, 0)} p99 ${fixed(run.p99, 0)} max ${fixed(run.max, 0)} ms` +
        `${side === 'ours' ? `; ${run.stale} from the last known state` : ''}` +
        `${recoveryMs === undefined ? '' : `; ready again after ${fixed(recoveryMs, 0)} ms`}`,
    );
    return run;
  } finally {
    await server?.child.stop();
    await fixture.release();
  }
}

/** One request; undefined when nothing came back within 5 s. */
async function ask(url: string): Promise<HttpAnswer | undefined> {
  try {
    return await httpGet(url, 5000);
  } catch {
    return undefined;
  }
}

async function prepare(ctx: BenchContext, fault: Fault): Promise<Fixture> {
  const redis = ctx.redis!;
  const none = async () => undefined;
  switch (fault) {
    case 'baseline':
      return { env: { REDIS_URL: redis.url }, release: none };
    case 'database black hole': {
      const hole = await BlackHole.start();
      return {
        env: {
          REDIS_URL: redis.url,
          HEALTH_CHECK_ENABLED_COMPONENTS: `${HOST_ENV.HEALTH_CHECK_ENABLED_COMPONENTS},database`,
          DATABASE_URL: `postgres://bench@127.0.0.1:${hole.port}/bench`,
        },
        release: () => hole.close(),
      };
    }
    case 'AI black hole': {
      const hole = await BlackHole.start();
      return {
        env: {
          REDIS_URL: redis.url,
          GEMINI_BASE_URL: `http://127.0.0.1:${hole.port}`,
          HEALTH_CHECK_AI_MODEL_PROBE: 'true',
        },
        release: () => hole.close(),
      };
    }
    case 'Redis SIGSTOP':
      return {
        env: { REDIS_URL: redis.url },
        apply: () => redis.pause(),
        end: async (server, side) => {
          redis.resume();
          return recovery(server, side);
        },
        // Resumed whatever happened (also by run.ts's cleanup on a signal).
        release: async () => redis.resume(),
      };
    case 'Redis killed': {
      const own = await startRedis(ctx);
      return {
        env: { REDIS_URL: own.url },
        apply: () => own.child.signal('SIGKILL'),
        release: async () => {
          await own.child.stop(2000);
          rmSync(own.dir, { recursive: true, force: true });
        },
      };
    }
  }
}

/** The server of one side, with the fault's environment, once its first evaluation is over. */
async function start(
  ctx: BenchContext,
  side: Side,
  fault: Fault,
  env: Record<string, string>,
): Promise<Started> {
  const port = await freePort();
  const preload = pathToFileURL(join(ctx.root, 'bench/support/preload.mjs')).href;
  const common = { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port) };
  const launch =
    side === 'terminus'
      ? {
          args: ['--import', preload, 'app.mjs'],
          cwd: join(ctx.root, 'bench/terminus'),
          env: {
            ...common,
            NODE_ENV: HOST_ENV.NODE_ENV,
            GEMINI_API_KEY: HOST_ENV.GEMINI_API_KEY,
            TERMINUS_CACHE_TTL_MS: '0',
            ...env,
          },
        }
      : {
          args: ['--import', preload, join(ctx.apiDir, 'main.js')],
          cwd: ctx.root,
          env: { ...common, ...HOST_ENV, ...env },
        };
  const child = Child.start({
    name: `probes-${side}-${fault.replace(/\W+/g, '-')}-${port}`,
    command: process.execPath,
    logDir: ctx.logDir,
    ...launch,
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    if (side === 'ours') {
      // The startup probe passes once the first full evaluation is over (faults included).
      await waitFor(`${base}/v1/health/startup`, (a) => a.status === 200, child);
    } else {
      await waitFor(`${base}/v1/health`, terminusCacheUp, child);
    }
  } catch (error) {
    await child.stop();
    throw error;
  }
  return {
    child,
    base,
    path: side === 'ours' ? '/v1/health/ready?verbose' : '/v1/health',
  };
}

function terminusCacheUp({ status, body }: HttpAnswer): boolean {
  const result = JSON.parse(body) as { details?: { cache?: { status?: string } } };
  return status === 200 && result.details?.cache?.status === 'up';
}

/** Polls readiness until it passes with the cache healthy (at most 15 s). */
async function recovery(server: Started, side: Side): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < 15_000) {
    const answer = await ask(`${server.base}${server.path}`);
    const passed =
      side === 'ours'
        ? answer?.status === 200 && /^\[\+\]cache ok/m.test(answer.body)
        : answer !== undefined && terminusCacheUp(answer);
    if (passed) return performance.now() - started;
    await sleep(20);
  }
  return NaN;
}

/** A redis-server of this run's own (to be killed), stopped by run.ts's cleanup on a signal. */
async function startRedis(ctx: BenchContext): Promise<{ url: string; child: Child; dir: string }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'bench-probes-redis-'));
  const child = Child.start({
    name: `probes-redis-${port}`,
    command: 'redis-server',
    args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    env: { PATH: process.env.PATH },
    cwd: dir,
    logDir: ctx.logDir,
  });
  for (let i = 0; i < 200; i++) {
    if (await answersPing(port)) return { url: `redis://127.0.0.1:${port}`, child, dir };
    await sleep(25);
  }
  await child.stop(2000);
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`redis-server did not start on port ${port}; see ${child.logFile}`);
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.on('error', () => done(false));
    socket.on('data', (data) => done(data.toString().startsWith('+PONG')));
    socket.write('PING\r\n');
  });
}

function summarize(
  side: Side,
  fault: Fault,
  answers: (HttpAnswer | undefined)[],
  recoveryMs: number | undefined,
): ProbeRun {
  const statuses: Record<string, number> = {};
  for (const answer of answers) {
    const key = answer ? String(answer.status) : 'error';
    statuses[key] = (statuses[key] ?? 0) + 1;
  }
  // A request with no answer counts at the client's 5 s limit.
  const ms = answers.map((a) => a?.ms ?? 5000).sort((a, b) => a - b);
  return {
    side,
    fault,
    requests: answers.length,
    statuses,
    stale: answers.filter((a) => a?.body.includes('last known state')).length,
    p50: percentile(ms, 50),
    p99: percentile(ms, 99),
    max: ms.at(-1) ?? NaN,
    recoveryMs,
  };
}

function statusText(statuses: Record<string, number>): string {
  return Object.entries(statuses)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, count]) => `${status}: ${count}`)
    .join(', ');
}

function outcome(ctx: BenchContext, runs: ProbeRun[]): ScenarioOutcome {
  const ours = runs.filter((r) => r.side === 'ours');
  const missed = ours.filter((r) => !(r.p99 <= TARGET_P99_MS));
  const rows = runs.map((r) => [
    r.side === 'ours' ? 'ours, default settings' : 'Terminus 12, plain',
    r.fault,
    statusText(r.statuses),
    r.side === 'ours' ? String(r.stale) : '',
    fixed(r.p50, 0),
    fixed(r.p99, 0),
    fixed(r.max, 0),
    r.side === 'ours' ? verdict(r.p99 <= TARGET_P99_MS) : '',
    r.recoveryMs === undefined ? '' : fixed(r.recoveryMs, 0),
  ]);
  const summary = [
    `Readiness under real faults: ${ctx.config.probeRequests} sequential GET /v1/health/ready?verbose per fault (Terminus: GET /v1/health), probe budget ${BUDGET_MS} ms`,
    table(
      [
        'server',
        'fault',
        'answers',
        'from last known state',
        'p50 ms',
        'p99 ms',
        'max ms',
        `p99 <= ${TARGET_P99_MS} ms`,
        'ready again after ms',
      ],
      rows,
    ),
    `ours: p99 <= ${TARGET_P99_MS} ms under every fault: ${verdict(missed.length === 0)}` +
      (missed.length
        ? ` (missed: ${missed.map((r) => `${r.fault} ${fixed(r.p99, 0)} ms`).join(', ')})`
        : ''),
  ].join('\n');
  const targets = ours.map((r) =>
    target(`readiness under ${r.fault}: ours p99`, r.p99, '<=', TARGET_P99_MS, 'ms'),
  );
  return { name: 'probes', summary, data: runs, targets };
}
