import type { BenchContext, ScenarioOutcome } from '../support/context';
import type { LoadResult } from '../support/load';
import { runLoad } from '../support/load';
import { fixed, median, table, verdict } from '../support/stats';
import { target } from '../support/targets';
import type { Variant } from '../support/servers';
import { LABELS, VARIANTS, startServer } from '../support/servers';

/**
 * Scenarios 2 and 3, HTTP under load and dependency protection: every variant in its own
 * process, one at a time, the order rotating each round; per run a warm-up, then the private
 * Redis's counters reset (`CONFIG RESETSTAT`), then the measured run, then `cmdstat_ping`.
 */
export interface HttpRun extends LoadResult {
  round: number;
  variant: Variant;
  pings: number;
}

export async function runHttp(ctx: BenchContext): Promise<ScenarioOutcome[]> {
  const { rounds, connections, durationS, warmupS } = ctx.config;
  const redis = ctx.redis!;
  const runs: HttpRun[] = [];
  for (let round = 1; round <= rounds; round++) {
    const shift = (round - 1) % VARIANTS.length;
    const order = [...VARIANTS.slice(shift), ...VARIANTS.slice(0, shift)];
    for (const variant of order) {
      const server = await startServer(ctx, variant, { tag: `http-r${round}` });
      try {
        const url = `${server.base}${server.path}`;
        await runLoad({ url, connections, durationS: warmupS });
        await redis.resetStats();
        const load = await runLoad({ url, connections, durationS });
        const pings = await redis.pingCalls();
        runs.push({ ...load, round, variant, pings });
        console.log(
          `  http round ${round} ${variant.padEnd(14)} ${fixed(load.rps, 0).padStart(6)} req/s` +
            `  p99 ${load.p99} ms  non-2xx ${load.non2xx}  errors ${load.errors}  pings ${pings}`,
        );
      } finally {
        await server.child.stop();
      }
    }
  }
  return [httpOutcome(ctx, runs), protectionOutcome(ctx, runs)];
}

function figures(runs: HttpRun[], variant: Variant) {
  const mine = runs.filter((r) => r.variant === variant);
  const m = (pick: (r: HttpRun) => number) => median(mine.map(pick));
  return {
    rps: m((r) => r.rps),
    p50: m((r) => r.p50),
    p99: m((r) => r.p99),
    non2xx: mine.reduce((s, r) => s + r.non2xx + r.errors + r.timeouts, 0),
    bytes: m((r) => r.bytesPerRequest),
    pingsPerRequest: m((r) => (r.requests > 0 ? r.pings / r.requests : NaN)),
    pingsPerSecond: m((r) => r.pings / r.durationS),
    pings: m((r) => r.pings),
    requests: m((r) => r.requests),
  };
}

function httpOutcome(ctx: BenchContext, runs: HttpRun[]): ScenarioOutcome {
  const f = Object.fromEntries(VARIANTS.map((v) => [v, figures(runs, v)])) as Record<
    Variant,
    ReturnType<typeof figures>
  >;
  const rows = VARIANTS.map((v) => [
    LABELS[v],
    fixed(f[v].rps, 0),
    `${f[v].p50}`,
    `${f[v].p99}`,
    `${f[v].bytes}`,
    `${f[v].non2xx}`,
    `${fixed(f[v].rps / f.static.rps, 2)}`,
  ]);
  const oursVsTerminus = f.ours.rps / f.terminus.rps;
  const ttlVsStatic = f['ours-ttl'].rps / f.static.rps;
  const { rounds, connections, durationS } = ctx.config;
  const summary = [
    `HTTP: ${connections} connections, ${durationS} s per run, medians of ${rounds} rounds`,
    table(
      ['variant', 'req/s', 'p50 ms', 'p99 ms', 'bytes/resp', 'non-2xx+errors', 'x static'],
      rows,
    ),
    `ours default / Terminus plain: ${fixed(oursVsTerminus, 2)}x (target >= 1.5x: ${verdict(oursVsTerminus >= 1.5)})`,
    `ours TTL / static: ${fixed(ttlVsStatic, 2)}x (target >= 0.85x: ${verdict(ttlVsStatic >= 0.85)})`,
    `ours TTL / Terminus cacheFor: ${fixed(f['ours-ttl'].rps / f['terminus-cache'].rps, 2)}x; ` +
      `ours default / Terminus cacheFor: ${fixed(f.ours.rps / f['terminus-cache'].rps, 2)}x`,
  ].join('\n');
  const targets = [
    target('HTTP: ours default / Terminus plain (req/s)', oursVsTerminus, '>=', 1.5, 'x'),
    target('HTTP: ours with 1 s TTL / static (req/s)', ttlVsStatic, '>=', 0.85, 'x'),
  ];
  return { name: 'http', summary, data: { runs, medians: f }, targets };
}

function protectionOutcome(ctx: BenchContext, runs: HttpRun[]): ScenarioOutcome {
  const rows = VARIANTS.map((v) => {
    const f = figures(runs, v);
    return [
      LABELS[v],
      fixed(f.requests, 0),
      fixed(f.pings, 0),
      fixed(f.pingsPerRequest, 4),
      fixed(f.pingsPerSecond, 1),
    ];
  });
  const ours = figures(runs, 'ours');
  const ttl = figures(runs, 'ours-ttl');
  const summary = [
    `Dependency protection: PING calls that reached Redis during the HTTP runs (medians of ${ctx.config.rounds})`,
    table(['variant', 'requests', 'PINGs', 'PINGs / request', 'PINGs / s'], rows),
    `ours default: ${fixed(ours.pingsPerRequest, 4)} PINGs per request (target: far fewer than 1: ${verdict(ours.pingsPerRequest < 0.1)} at < 0.1)`,
    `ours TTL 1 s: ${fixed(ttl.pingsPerSecond, 2)} PINGs per second (target about 1: ${verdict(ttl.pingsPerSecond <= 1.5)} at <= 1.5)`,
  ].join('\n');
  const targets = [
    target('protection: PINGs per request, ours default', ours.pingsPerRequest, '<', 0.1),
    target('protection: PINGs per second, ours with 1 s TTL', ttl.pingsPerSecond, '<=', 1.5),
  ];
  return {
    name: 'protection',
    summary,
    targets,
    data: runs.map(({ round, variant, requests, pings, durationS }) => ({
      round,
      variant,
      requests,
      pings,
      durationS,
    })),
  };
}
