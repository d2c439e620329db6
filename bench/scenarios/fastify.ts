import type { BenchContext, ScenarioOutcome } from '../support/context';
import { startHost } from '../support/host';
import type { LoadResult } from '../support/load';
import { runLoad } from '../support/load';
import { waitFor } from '../support/processes';
import { startServer } from '../support/servers';
import { STATIC_PATH } from '../support/static.constants';
import { fixed, median, table } from '../support/stats';
import type { Target } from '../support/targets';
import { target } from '../support/targets';

/**
 * Fastify side by side: the built service's AppModule on `@nestjs/platform-fastify` 11 (bench
 * harness, bench/support/host.server.mjs), the Terminus anchor on `@nestjs/platform-fastify` 12
 * (`TERMINUS_PLATFORM=fastify`), and a static route in the same Fastify app as ours
 * (`GET /bench/static`, a fixed legacy-shaped body): the same four checks, the same load as the
 * HTTP scenario, one at a time, the order rotating each round; ratios in one run.
 * Then `GET /metrics` of the built service (Express, as shipped) with 100 components, scraped
 * back to back on one connection as Prometheus does: its p99.
 */
const VARIANTS = ['ours', 'terminus', 'static'] as const;
type FastifyVariant = (typeof VARIANTS)[number];
const LABELS: Record<FastifyVariant, string> = {
  ours: 'ours on Fastify, default settings',
  terminus: 'Terminus 12 on Fastify, plain',
  static: 'static route, same Fastify app as ours',
};
export const SCRAPE_COMPONENTS = 100;
export const SCRAPE_TARGET_MS = 50;
export const FASTIFY_RATIO_TARGET = 1.5;

interface FastifyRun extends LoadResult {
  round: number;
  variant: FastifyVariant;
}

async function start(ctx: BenchContext, variant: FastifyVariant, round: number) {
  if (variant === 'terminus') {
    const server = await startServer(ctx, 'terminus', { platform: 'fastify', tag: `r${round}` });
    return { child: server.child, url: `${server.base}${server.path}` };
  }
  const host = await startHost(ctx, {
    tag: `fastify-${variant}-r${round}`,
    platform: 'fastify',
    staticRoute: variant === 'static',
  });
  return {
    child: host.child,
    url: `${host.base}${variant === 'static' ? STATIC_PATH : '/v1/health'}`,
  };
}

async function scrape(ctx: BenchContext) {
  const host = await startHost(ctx, {
    tag: 'metrics-100',
    extraChecks: SCRAPE_COMPONENTS - 4,
  });
  try {
    const url = `${host.base}/metrics`;
    // Every component's series exist once a full evaluation has been reported.
    await waitFor(`${host.base}/v1/health`, ({ status }) => status === 200, host.child);
    const series = await waitFor(url, ({ body }) => body.includes('extra_095'), host.child);
    await runLoad({ url, connections: 1, durationS: ctx.config.warmupS });
    const load = await runLoad({ url, connections: 1, durationS: ctx.config.durationS });
    console.log(
      `  metrics ${SCRAPE_COMPONENTS} components: ${fixed(load.rps, 0)} scrapes/s, p50 ${load.p50} ms, p99 ${load.p99} ms, ${fixed(series.body.length / 1024, 0)} KiB`,
    );
    return { load, bytes: series.body.length };
  } finally {
    await host.child.stop();
  }
}

export async function runFastify(ctx: BenchContext): Promise<ScenarioOutcome> {
  const { rounds, connections, durationS, warmupS } = ctx.config;
  const runs: FastifyRun[] = [];
  for (let round = 1; round <= rounds; round++) {
    const shift = (round - 1) % VARIANTS.length;
    for (const variant of [...VARIANTS.slice(shift), ...VARIANTS.slice(0, shift)]) {
      const server = await start(ctx, variant, round);
      try {
        await runLoad({ url: server.url, connections, durationS: warmupS });
        const load = await runLoad({ url: server.url, connections, durationS });
        runs.push({ ...load, round, variant });
        console.log(
          `  fastify round ${round} ${variant.padEnd(8)} ${fixed(load.rps, 0).padStart(6)} req/s` +
            `  p99 ${load.p99} ms  non-2xx ${load.non2xx}  errors ${load.errors}`,
        );
      } finally {
        await server.child.stop();
      }
    }
  }
  const metrics = await scrape(ctx);
  return outcome(ctx, runs, metrics);
}

function outcome(
  ctx: BenchContext,
  runs: FastifyRun[],
  metrics: { load: LoadResult; bytes: number },
): ScenarioOutcome {
  const m = (variant: FastifyVariant, pick: (r: FastifyRun) => number) =>
    median(runs.filter((r) => r.variant === variant).map(pick));
  const rps = (v: FastifyVariant) => m(v, (r) => r.rps);
  const rows = VARIANTS.map((v) => [
    LABELS[v],
    fixed(rps(v), 0),
    `${m(v, (r) => r.p50)}`,
    `${m(v, (r) => r.p99)}`,
    `${m(v, (r) => r.bytesPerRequest)}`,
    `${runs.filter((r) => r.variant === v).reduce((s, r) => s + r.non2xx + r.errors + r.timeouts, 0)}`,
    fixed(rps(v) / rps('static'), 2),
  ]);
  const targets: Target[] = [
    target(
      'Fastify: ours / Terminus plain (req/s)',
      rps('ours') / rps('terminus'),
      '>=',
      FASTIFY_RATIO_TARGET,
      'x',
    ),
    target(
      `/metrics scrape p99, ${SCRAPE_COMPONENTS} components`,
      metrics.load.p99,
      '<',
      SCRAPE_TARGET_MS,
      'ms',
    ),
  ];
  const { rounds, connections, durationS } = ctx.config;
  const summary = [
    `Fastify: ${connections} connections, ${durationS} s per run, medians of ${rounds} rounds`,
    table(
      ['variant', 'req/s', 'p50 ms', 'p99 ms', 'bytes/resp', 'non-2xx+errors', 'x static'],
      rows,
    ),
    `ours / Terminus: ${fixed(rps('ours') / rps('terminus'), 2)}x; ours / static: ${fixed(rps('ours') / rps('static'), 2)}x; Terminus / static: ${fixed(rps('terminus') / rps('static'), 2)}x`,
    `GET /metrics, ${SCRAPE_COMPONENTS} components, 1 connection back to back for ${metrics.load.durationS} s: ` +
      `${fixed(metrics.load.rps, 0)} scrapes/s, p50 ${metrics.load.p50} ms, p99 ${metrics.load.p99} ms, max ${metrics.load.max} ms, ${fixed(metrics.bytes / 1024, 0)} KiB`,
  ].join('\n');
  return { name: 'fastify', summary, data: { runs, metrics }, targets };
}
