import { runIndicators } from './scenarios/indicators';
import { runStandalone } from './support/setup';

/**
 * `npm run bench:indicators`: p50 and p99 of each built-in indicator's check over
 * BENCH_INDICATOR_RUNS (1000) runs, idle and under the HTTP load of the benchmark
 * (BENCH_CONNECTIONS, 64), against the target of 5 ms (bench/scenarios/indicators.ts).
 * Exits 1 when a figure is 5 ms or more.
 */
void runStandalone('per-indicator latency', (ctx) =>
  runIndicators(ctx, {
    runs: Number(process.env.BENCH_INDICATOR_RUNS ?? 1000),
    underLoad: true,
    asserted: ['p50', 'p99'],
    assertedPhases: ['idle', 'under load'],
  }),
).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
