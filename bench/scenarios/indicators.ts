import type { BenchContext, ScenarioOutcome } from '../support/context';
import type { Host } from '../support/host';
import { ask, startHost } from '../support/host';
import type { OpenLoadResult } from '../support/load';
import type { PeerSamples } from '../support/peer-indicators';
import { measurePeerIndicators, PEER_INDICATORS } from '../support/peer-indicators';
import { startLoad } from '../support/load';
import { sleep } from '../support/processes';
import { fixed, percentile, table } from '../support/stats';
import type { Target } from '../support/targets';
import { target } from '../support/targets';

/**
 * Per-indicator latency: each built-in indicator of the built service, against its real local
 * dependency (the benchmark's own Redis for `cache`, PostgreSQL `SELECT 1` for `database`, the
 * circuit breaker registry for `resilience`, the event loop and heap for `runtime`, the key in
 * config mode for `ai_model`; the service's own liveness route for `http`, its port for `tcp`,
 * `localhost` for `dns`, the temporary folder for `disk`, an in-process grpc.health.v1 server
 * for `grpc`), `check()` run `runs` times in a row inside the service process
 * (bench/support/host.server.mjs, `bench:latency`), with an AbortSignal as the engine gives it.
 * Idle, then (`underLoad`) while `GET /v1/health` of the same process takes the HTTP load of the
 * benchmark. Target: p50 and p99 < 5 ms each (p50 only for the package's network indicators).
 *
 * The indicators of the sub-path entries with a peer (MySQL, RabbitMQ, NATS, MQTT, MongoDB) are
 * measured idle too, in the benchmark's process, against the machine's servers
 * (bench/support/peer-indicators.ts).
 */
export const HOST_INDICATORS = ['ai_model', 'cache', 'database', 'resilience', 'runtime'] as const;
/** The package's indicators the host does not build: made by the bench host against local targets. */
export const PACKAGE_INDICATORS = ['http', 'tcp', 'dns', 'disk', 'grpc'] as const;
export const INDICATORS = [...HOST_INDICATORS, ...PACKAGE_INDICATORS] as const;

/**
 * The network indicators open a connection per check (http, tcp) or a call on a channel (grpc):
 * their p99 is the scheduler's on a shared machine, so it is printed, and only their p50 is a
 * target (docs/benchmarks.md, per-indicator latency).
 */
function opensConnections(name: string): boolean {
  // The peer entries' indicators (mysql, amqp...) make a round trip to a server per check too.
  return ['http', 'tcp', 'grpc', ...PEER_INDICATORS].includes(name);
}
export const INDICATOR_TARGET_MS = 5;
const WARMUP_RUNS = 50;

export type Phase = 'idle' | 'under load';

export interface IndicatorFigures {
  name: string;
  phase: Phase;
  runs: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
  statuses: Record<string, number>;
}

export interface IndicatorOptions {
  runs: number;
  /** Also measure under the HTTP load (`connections` on `GET /v1/health`). */
  underLoad: boolean;
  /** Which figures become targets: `p50` only, or `p50` and `p99`. */
  asserted: readonly ('p50' | 'p99')[];
  /** Which phases' figures become targets. */
  assertedPhases: readonly Phase[];
}

async function measure(host: Host, name: string, runs: number, phase: Phase) {
  await ask(host.child, { type: 'bench:latency', name, runs: WARMUP_RUNS });
  const { samples, statuses } = await ask<{ samples: number[]; statuses: Record<string, number> }>(
    host.child,
    { type: 'bench:latency', name, runs },
  );
  return figuresOf({ name, samples, statuses }, runs, phase);
}

function figuresOf({ name, samples, statuses }: PeerSamples, runs: number, phase: Phase) {
  const sorted = [...samples].sort((a, b) => a - b);
  const figures: IndicatorFigures = {
    name,
    phase,
    runs,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1],
    mean: samples.reduce((a, b) => a + b, 0) / samples.length,
    statuses,
  };
  console.log(
    `  indicator ${name.padEnd(10)} ${phase.padEnd(10)} p50 ${fixed(figures.p50, 3)} ms` +
      `  p99 ${fixed(figures.p99, 3)} ms  max ${fixed(figures.max, 2)} ms  ${JSON.stringify(statuses)}`,
  );
  return figures;
}

export async function runIndicators(
  ctx: BenchContext,
  options: IndicatorOptions,
): Promise<ScenarioOutcome> {
  if (!ctx.databaseUrl) throw new Error('the indicator latencies need a PostgreSQL (databaseUrl)');
  const host = await startHost(ctx, {
    tag: 'indicators',
    env: {
      HEALTH_CHECK_ENABLED_COMPONENTS: HOST_INDICATORS.join(','),
      DATABASE_URL: ctx.databaseUrl,
    },
  });
  const figures: IndicatorFigures[] = [];
  let load: OpenLoadResult | undefined;
  try {
    for (const name of INDICATORS) figures.push(await measure(host, name, options.runs, 'idle'));
    for (const peer of await measurePeerIndicators(ctx.apiDir, options.runs, WARMUP_RUNS)) {
      figures.push(figuresOf(peer, options.runs, 'idle'));
    }
    if (options.underLoad) {
      const loading = startLoad(`${host.base}/v1/health`, ctx.config.connections);
      try {
        await sleep(ctx.config.warmupS * 1000);
        for (const name of INDICATORS) {
          figures.push(await measure(host, name, options.runs, 'under load'));
        }
      } finally {
        load = await loading.stop();
      }
    }
  } finally {
    await host.child.stop();
  }
  return indicatorOutcome(figures, options, load);
}

function indicatorOutcome(
  figures: IndicatorFigures[],
  options: IndicatorOptions,
  load: OpenLoadResult | undefined,
): ScenarioOutcome {
  const rows = figures.map((f) => [
    f.name,
    f.phase,
    fixed(f.p50, 3),
    fixed(f.p99, 3),
    fixed(f.max, 2),
    Object.entries(f.statuses)
      .map(([status, n]) => `${status} ${n}`)
      .join(', '),
  ]);
  const targets: Target[] = figures
    .filter((f) => options.assertedPhases.includes(f.phase))
    .flatMap((f) =>
      options.asserted
        .filter((key) => key === 'p50' || !opensConnections(f.name))
        .map((key) =>
          target(`${f.name} ${key}, ${f.phase}`, f[key], '<', INDICATOR_TARGET_MS, 'ms'),
        ),
    );
  const loadLine = load
    ? `load: ${load.connections} connections on GET /v1/health, ${fixed(load.rps, 0)} req/s, p99 ${load.p99} ms, ${load.failures} non-2xx/errors/timeouts over ${fixed(load.durationS, 0)} s`
    : 'no HTTP load';
  const summary = [
    `Per-indicator latency: check() ${figures[0]?.runs ?? 0} times in a row (ms); the service's ` +
      `indicators inside it, ${PEER_INDICATORS.join(', ')} in the benchmark's process`,
    table(['indicator', 'phase', 'p50', 'p99', 'max', 'results'], rows),
    loadLine,
  ].join('\n');
  return { name: 'indicators', summary, data: { figures, load }, targets };
}
