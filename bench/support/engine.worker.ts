import { performance } from 'node:perf_hooks';
import type { HealthCheckDefinition } from '../../libs/health/src';
import { HealthService, HealthStatus } from '../../libs/health/src';
import { percentile } from './stats';

/**
 * Ours, for the engine comparison: `HealthService.check()` over 100 no-op checks, one fresh
 * process per round (started by bench/scenarios/engine.ts). The Terminus side is
 * bench/terminus/engine.mjs, with the same loop. Prints one JSON line:
 * `{ kind: { mean, p50, p99, max } }` in ms per aggregation.
 *
 * Kinds, and what Terminus gets for each:
 * - sync: the check answers synchronously     | `() => indicators.check(k).up()`
 * - async: it returns a promise (raced against | `async () => indicators.check(k).up()`
 *   its 2 s timeout)                           |
 * - timeout: it takes the AbortSignal, so it   | `() => indicators.check(k).attempt(async
 *   gets an AbortController and a 2 s timeout  |   ({ signal }) => {}).withTimeout(2000)`
 */
const CHECKS = 100;
const WARMUP = Number(process.env.BENCH_ENGINE_WARMUP ?? 500);
const RUNS = Number(process.env.BENCH_ENGINE_RUNS ?? 5000);

type Kind = 'sync' | 'async' | 'timeout';
const healthy = { status: HealthStatus.HEALTHY };

const CHECK_OF: Record<Kind, HealthCheckDefinition['check']> = {
  sync: () => healthy,
  async: async () => healthy,
  timeout: async (signal: AbortSignal) => (signal.aborted ? healthy : healthy),
};

async function measure(kind: Kind): Promise<number[]> {
  const checks = Array.from({ length: CHECKS }, (_, i) => ({
    name: `noop_${String(i).padStart(3, '0')}`,
    check: CHECK_OF[kind],
  }));
  const service = new HealthService({ checks, defaultTimeoutMs: 2000 });
  try {
    for (let i = 0; i < WARMUP; i++) await service.check();
    const samples = new Array<number>(RUNS);
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      const report = await service.check();
      samples[i] = performance.now() - started;
      if (report.components.length !== CHECKS || report.overall_status !== HealthStatus.HEALTHY) {
        throw new Error(`unexpected report: ${report.overall_status}`);
      }
    }
    return samples;
  } finally {
    service.onModuleDestroy();
  }
}

function summary(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = samples.reduce((sum, s) => sum + s, 0) / samples.length;
  return { mean, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) };
}

async function main(): Promise<void> {
  const result: Record<string, ReturnType<typeof summary>> = {};
  for (const kind of ['sync', 'async', 'timeout'] as const)
    result[kind] = summary(await measure(kind));
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
