import type { BenchContext, ScenarioOutcome } from '../support/context';
import type { LoadResult } from '../support/load';
import { runLoad } from '../support/load';
import type { Server } from '../support/servers';
import { LABELS, startServer } from '../support/servers';
import { httpGet, sleep } from '../support/processes';
import { fixed, median, table, verdict } from '../support/stats';
import { target } from '../support/targets';

/**
 * Scenario 4, a hanging dependency: the private Redis SIGSTOPped while `/v1/health` is under the
 * same load as in scenario 2, and, at the same time, a light probe of `/v1/health/live` (one
 * connection, `BENCH_LIVE_RATE` req/s) to see whether the rest of the service is affected. Each
 * round runs every side twice on one server process: Redis up (baseline), then Redis stopped.
 * SIGCONT comes in a finally, always; then the time until the endpoint is healthy again.
 *
 * The cache check's timeout is the Redis client's command timeout (`REDIS_COMMAND_TIMEOUT_MS`,
 * default 1000 ms), shorter than the engine's per-check timeout (2000 ms); so the bound is 1000.
 */
const CACHE_TIMEOUT_MS = 1000;
const TARGET_P99_MS = CACHE_TIMEOUT_MS + 50;
const SIDES = ['ours', 'terminus'] as const;
type Side = (typeof SIDES)[number];
type Phase = 'redis up' | 'redis stopped';

interface HangRun {
  round: number;
  side: Side;
  phase: Phase;
  health: LoadResult;
  live: LoadResult;
  pings: number;
  /** ms from SIGCONT until the endpoint reports the cache healthy again. */
  recoveryMs?: number;
}

export async function runHang(ctx: BenchContext): Promise<ScenarioOutcome> {
  const { rounds, connections, durationS, warmupS, liveRate } = ctx.config;
  const redis = ctx.redis!;
  const runs: HangRun[] = [];
  for (let round = 1; round <= rounds; round++) {
    const order = round % 2 === 1 ? SIDES : ([...SIDES].reverse() as Side[]);
    for (const side of order) {
      const server = await startServer(ctx, side, { tag: `hang-r${round}` });
      try {
        const health = `${server.base}${server.path}`;
        const live = `${server.base}${server.livePath}`;
        await runLoad({ url: health, connections, durationS: warmupS });
        for (const phase of ['redis up', 'redis stopped'] as const) {
          await redis.resetStats();
          let recoveryMs: number | undefined;
          let results: [LoadResult, LoadResult];
          try {
            if (phase === 'redis stopped') redis.pause();
            results = await Promise.all([
              runLoad({ url: health, connections, durationS }),
              runLoad({ url: live, connections: 1, durationS, rate: liveRate }),
            ]);
          } finally {
            redis.resume();
          }
          if (phase === 'redis stopped') recoveryMs = await recovery(server);
          const pings = await redis.pingCalls();
          const run = {
            round,
            side,
            phase,
            health: results[0],
            live: results[1],
            pings,
            recoveryMs,
          };
          runs.push(run);
          console.log(
            `  hang round ${round} ${side.padEnd(8)} ${phase.padEnd(13)} health ${fixed(run.health.rps, 0)} req/s p99 ${run.health.p99} ms` +
              ` non-2xx ${run.health.non2xx} errors ${run.health.errors + run.health.timeouts}; live p99 ${run.live.p99} ms;` +
              ` pings ${pings}${recoveryMs === undefined ? '' : `; healthy again after ${fixed(recoveryMs, 0)} ms`}`,
          );
        }
      } finally {
        redis.resume();
        await server.child.stop();
      }
    }
  }
  return outcome(ctx, runs);
}

/** Polls the endpoint until the cache is healthy again (at most 15 s). */
async function recovery(server: Server): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < 15_000) {
    try {
      const { status, body } = await httpGet(`${server.base}${server.path}`, 3000);
      const healthy =
        server.variant === 'ours'
          ? (JSON.parse(body) as { cache_healthy?: boolean }).cache_healthy === true
          : status === 200;
      if (healthy) return performance.now() - started;
    } catch {
      // not yet
    }
    await sleep(20);
  }
  return NaN;
}

function outcome(ctx: BenchContext, runs: HangRun[]): ScenarioOutcome {
  const pick = (side: Side, phase: Phase) =>
    runs.filter((r) => r.side === side && r.phase === phase);
  const m = (side: Side, phase: Phase, f: (r: HangRun) => number) =>
    median(pick(side, phase).map(f));
  const sum = (side: Side, phase: Phase, f: (r: HangRun) => number) =>
    pick(side, phase).reduce((s, r) => s + f(r), 0);
  const rows = SIDES.flatMap((side) =>
    (['redis up', 'redis stopped'] as const).map((phase) => [
      LABELS[side],
      phase,
      fixed(
        m(side, phase, (r) => r.health.rps),
        0,
      ),
      `${m(side, phase, (r) => r.health.p99)}`,
      `${m(side, phase, (r) => r.health.max)}`,
      `${sum(side, phase, (r) => r.health.non2xx)} / ${sum(side, phase, (r) => r.health.errors + r.health.timeouts)}`,
      `${m(side, phase, (r) => r.live.p50)} / ${m(side, phase, (r) => r.live.p99)}`,
      `${sum(side, phase, (r) => r.live.non2xx + r.live.errors + r.live.timeouts)}`,
      fixed(
        m(side, phase, (r) => r.pings / r.health.durationS),
        1,
      ),
      phase === 'redis stopped'
        ? fixed(
            m(side, phase, (r) => r.recoveryMs ?? NaN),
            0,
          )
        : '',
    ]),
  );
  const p99 = m('ours', 'redis stopped', (r) => r.health.p99);
  const failures = sum(
    'ours',
    'redis stopped',
    (r) => r.health.non2xx + r.health.errors + r.health.timeouts,
  );
  const liveUp = m('ours', 'redis up', (r) => r.live.p99);
  const liveStopped = m('ours', 'redis stopped', (r) => r.live.p99);
  const { rounds, connections, durationS, liveRate } = ctx.config;
  const summary = [
    `Hanging Redis (SIGSTOP): /v1/health at ${connections} connections plus /v1/health/live at ${liveRate} req/s, ${durationS} s, medians of ${rounds} rounds`,
    table(
      [
        'server',
        'Redis',
        'health req/s',
        'health p99 ms',
        'health max ms',
        'non-2xx / errors',
        'live p50 / p99 ms',
        'live failures',
        'PINGs / s',
        'healthy again after ms',
      ],
      rows,
    ),
    `ours, Redis stopped: p99 ${p99} ms (target <= ${TARGET_P99_MS} ms: ${verdict(p99 <= TARGET_P99_MS)}), ` +
      `${failures} non-2xx/errors (target 0: ${verdict(failures === 0)}), ` +
      `live p99 ${liveStopped} ms vs ${liveUp} ms with Redis up`,
  ].join('\n');
  const targets = [
    target('hanging Redis: ours /v1/health p99', p99, '<=', TARGET_P99_MS, 'ms'),
    target('hanging Redis: ours non-2xx and errors', failures, '<=', 0),
  ];
  return { name: 'hang', summary, data: runs, targets };
}
