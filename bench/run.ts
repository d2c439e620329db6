import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runBudget } from './scenarios/budget';
import { runEngine } from './scenarios/engine';
import { runFastify } from './scenarios/fastify';
import { runFaults } from './scenarios/faults';
import { runHang } from './scenarios/hang';
import { runHttp } from './scenarios/http';
import { runIndicators } from './scenarios/indicators';
import { runMemory } from './scenarios/memory';
import { runProbes } from './scenarios/probes';
import type { BenchContext, ScenarioOutcome } from './support/context';
import { configFromEnv } from './support/context';
import {
  ROOT,
  SNAPSHOT,
  buildService,
  ensureAnchor,
  load,
  machine,
  onInterrupt,
  startDependencies,
  tempDir,
} from './support/setup';
import type { Target } from './support/targets';
import { exitOnMissed, targetTable } from './support/targets';

/**
 * `npm run bench`: every scenario in sequence (engine; HTTP with dependency protection; a hanging
 * Redis; memory over a soak; readiness under real faults; Fastify with the /metrics scrape;
 * per-indicator latency idle and under load; the memory budget; every health endpoint under
 * hung dependencies), ours side by side with @nestjs/terminus 12, then every target in one table.
 * Knobs: BENCH_DURATION_S (10), BENCH_ROUNDS (3), BENCH_CONNECTIONS (64), BENCH_WARMUP_S (3),
 * BENCH_SOAK_SECONDS (600), BENCH_SOAK_WARMUP_S, BENCH_SOAK_SAMPLE_S, BENCH_LIVE_RATE (50),
 * BENCH_ENGINE_RUNS (5000), BENCH_ENGINE_WARMUP (500), BENCH_PROBE_REQUESTS (200),
 * BENCH_INDICATOR_RUNS (1000), BENCH_FAULT_REQUESTS (60), BENCH_FAULTS_LOAD_S (5),
 * BENCH_SCENARIOS (all), BENCH_SKIP_BUILD=1 (reuse the last snapshot of the build),
 * BENCH_IMPOSSIBLE_TARGETS=1. Exits 1 when a target is missed, naming it.
 * See docs/benchmarks.md.
 */
async function main(): Promise<void> {
  const config = configFromEnv();
  // Taken once, at the start: the code measured is the code built now.
  const where = machine();
  console.log('nest-health benchmarks: ours vs @nestjs/terminus 12\n');
  console.log(where);
  console.log(`settings ${JSON.stringify(config)}\n`);

  const logDir = tempDir();
  const needsServers = config.scenarios.some((s) => s !== 'engine');
  const needsDatabase = config.scenarios.some((s) =>
    ['indicators', 'budget', 'faults'].includes(s),
  );
  ensureAnchor();
  if (needsServers) buildService(config.skipBuild);
  const deps = await startDependencies(logDir, { redis: needsServers, database: needsDatabase });
  const unhook = onInterrupt(deps.cleanup);
  const ctx: BenchContext = {
    config,
    root: ROOT,
    apiDir: SNAPSHOT,
    logDir,
    redis: deps.redis,
    databaseUrl: deps.database?.url,
  };

  const outcomes: ScenarioOutcome[] = [];
  try {
    for (const scenario of config.scenarios) {
      console.log(`\n== ${scenario} (load ${load()})`);
      if (scenario === 'engine') outcomes.push(await runEngine(ctx));
      if (scenario === 'http') outcomes.push(...(await runHttp(ctx)));
      if (scenario === 'hang') outcomes.push(await runHang(ctx));
      if (scenario === 'memory') outcomes.push(await runMemory(ctx));
      if (scenario === 'probes') outcomes.push(await runProbes(ctx));
      if (scenario === 'fastify') outcomes.push(await runFastify(ctx));
      if (scenario === 'indicators') {
        outcomes.push(
          await runIndicators(ctx, {
            runs: config.indicatorRuns,
            underLoad: true,
            asserted: ['p50', 'p99'],
            assertedPhases: ['idle', 'under load'],
          }),
        );
      }
      if (scenario === 'budget') outcomes.push(await runBudget(ctx, config.rounds));
      if (scenario === 'faults') outcomes.push(await runFaults(ctx));
    }
  } finally {
    await deps.cleanup();
    unhook();
  }

  const targets: Target[] = outcomes.flatMap((o) => o.targets ?? []);
  const file = join(logDir, 'results.json');
  writeFileSync(file, JSON.stringify({ machine: where, config, outcomes }, null, 2));
  console.log('\n================ summary ================\n');
  console.log(where);
  console.log(`load     ${load()} (1/5/15 min, at the end)`);
  for (const outcome of outcomes) console.log(`\n${outcome.summary}`);
  console.log(`\nEvery target:\n${targetTable(targets)}`);
  console.log(`\nfigures of every run and server logs: ${logDir}`);
  exitOnMissed(targets);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
