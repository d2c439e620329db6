import type { EngineSummary } from './engine-measure';
import { ENGINE_KINDS, measureEngine, summarize } from './engine-measure';

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
const WARMUP = Number(process.env.BENCH_ENGINE_WARMUP ?? 500);
const RUNS = Number(process.env.BENCH_ENGINE_RUNS ?? 5000);

async function main(): Promise<void> {
  const result: Record<string, EngineSummary> = {};
  for (const kind of ENGINE_KINDS)
    result[kind] = summarize(await measureEngine(kind, WARMUP, RUNS));
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
