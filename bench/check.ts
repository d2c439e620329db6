import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { runBudget } from './scenarios/budget';
import { runIndicators } from './scenarios/indicators';
import type { BenchContext, ScenarioOutcome } from './support/context';
import { configFromEnv } from './support/context';
import type { EngineSummary } from './support/engine-measure';
import { ENGINE_KINDS, measureEngine, summarize } from './support/engine-measure';
import {
  ROOT,
  SNAPSHOT,
  buildService,
  load,
  machine,
  onInterrupt,
  startDependencies,
  tempDir,
} from './support/setup';
import { fixed, table } from './support/stats';
import type { Target } from './support/targets';
import { exitOnMissed, impossibleTargets, target, targetTable } from './support/targets';
import { measureTrendStore, trendReport, trendTargets } from './support/trend-measure';

/**
 * `npm run bench:check`, the CI gate (run by .ci/run): only the targets that hold on a shared,
 * loaded 2-core machine, in about a minute. Exits 1 when one is missed, naming it.
 *
 * 0. The gate itself: `bench:engine` with impossible targets must exit 1.
 * 1. The trend store at its maximum retention (bench/support/trend-measure.ts).
 * 2. Engine overhead, 100 no-op checks of each kind: mean < 1 ms (the best of 3 rounds of 2,000).
 * 3. The whole health infrastructure's memory < 10 MB (bench/scenarios/budget.ts, 2 rounds).
 * 4. Each built-in indicator's p50 < 5 ms over 1,000 runs, idle (bench/scenarios/indicators.ts),
 *    the peer entries' (mysql, amqp, nats, mqtt, mongodb) among them, against the machine's servers;
 *    p99 is printed, and asserted by `npm run bench:indicators` with p50 and p99 under load.
 *
 * The ratios against Terminus, HTTP under load and the soak stay in `npm run bench`.
 * BENCH_SKIP_BUILD=1 reuses the last build snapshot; otherwise the build is refreshed when the
 * sources changed. BENCH_IMPOSSIBLE_TARGETS=1 makes every target impossible (the gate must fail).
 */
const ENGINE_ROUNDS = 3;
const ENGINE_RUNS = 2000;
const ENGINE_WARMUP = 300;
const BUDGET_ROUNDS = Number(process.env.BENCH_BUDGET_ROUNDS ?? 2);
const INDICATOR_RUNS = 1000;

function section(title: string): void {
  console.log(`\n== ${title} (load ${load()})`);
}

/** A benchmark whose targets cannot be met must exit 1 and say which: otherwise the gate is void. */
function gateFails(): Target {
  const result = spawnSync(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', 'bench/engine.bench.ts'],
    {
      cwd: ROOT,
      encoding: 'utf8',
      env: {
        ...process.env,
        BENCH_IMPOSSIBLE_TARGETS: '1',
        BENCH_ENGINE_RUNS: '20',
        BENCH_ENGINE_WARMUP: '5',
      },
    },
  );
  const named = /NOT met/.test(result.stderr ?? '');
  console.log(
    `bench:engine with impossible targets: exit ${result.status}, ${named ? 'names' : 'does NOT name'} the missed targets`,
  );
  return target('a missed target fails the benchmark (exit 1)', result.status ?? -1, '>=', 1);
}

async function engine(): Promise<Target[]> {
  const rows: string[][] = [];
  const targets: Target[] = [];
  for (const kind of ENGINE_KINDS) {
    const rounds: EngineSummary[] = [];
    for (let round = 0; round < ENGINE_ROUNDS; round++) {
      rounds.push(summarize(await measureEngine(kind, ENGINE_WARMUP, ENGINE_RUNS)));
    }
    const best = rounds.reduce((a, b) => (b.mean < a.mean ? b : a));
    rows.push([
      kind,
      rounds.map((r) => fixed(r.mean, 3)).join(' / '),
      fixed(best.mean, 3),
      fixed(best.p99, 3),
    ]);
    targets.push(target(`engine, 100 ${kind} checks: mean`, best.mean, '<', 1, 'ms'));
  }
  console.log(table(['kind', 'mean of each round, ms', 'best mean, ms', 'its p99, ms'], rows));
  return targets;
}

async function main(): Promise<void> {
  const started = Date.now();
  console.log('nest-health bench:check: the performance targets CI asserts\n');
  console.log(machine());
  if (impossibleTargets()) console.log('BENCH_IMPOSSIBLE_TARGETS=1: every target is impossible');
  const targets: Target[] = [];

  section('0. a missed target fails');
  targets.push(gateFails());

  section('1. trend store at its maximum retention');
  const trends = measureTrendStore();
  console.log(trendReport(trends));
  targets.push(...trendTargets(trends));

  section('2. engine overhead');
  targets.push(...(await engine()));

  const config = configFromEnv();
  buildService(config.skipBuild, false);
  const logDir = tempDir();
  const deps = await startDependencies(logDir, { redis: true, database: true });
  const unhook = onInterrupt(deps.cleanup);
  try {
    console.log(`database: ${deps.database?.origin}`);
    const ctx: BenchContext = {
      config,
      root: ROOT,
      apiDir: SNAPSHOT,
      logDir,
      redis: deps.redis,
      databaseUrl: deps.database?.url,
    };
    const outcomes: ScenarioOutcome[] = [];
    section('3. memory budget of the health infrastructure');
    outcomes.push(await runBudget(ctx, BUDGET_ROUNDS));
    section('4. per-indicator latency, idle');
    outcomes.push(
      await runIndicators(ctx, {
        runs: INDICATOR_RUNS,
        underLoad: false,
        asserted: ['p50'],
        assertedPhases: ['idle'],
      }),
    );
    for (const outcome of outcomes) {
      console.log(`\n${outcome.summary}`);
      targets.push(...(outcome.targets ?? []));
    }
  } finally {
    await deps.cleanup();
    unhook();
  }

  console.log(`\n== targets (load ${load()}, ${Math.round((Date.now() - started) / 1000)} s)\n`);
  console.log(targetTable(targets));
  const missed = exitOnMissed(targets);
  // The servers' logs are kept for a failed check only.
  if (missed.length === 0) rmSync(logDir, { recursive: true, force: true });
  else console.log(`\nserver logs: ${logDir}`);
  console.log(
    missed.length
      ? `bench:check: ${missed.length} target(s) NOT met`
      : 'bench:check: every target met',
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
