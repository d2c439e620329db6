import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { runEngine } from './scenarios/engine';
import { runHang } from './scenarios/hang';
import { runHttp } from './scenarios/http';
import { runMemory } from './scenarios/memory';
import { runProbes } from './scenarios/probes';
import type { BenchContext, ScenarioOutcome } from './support/context';
import { configFromEnv } from './support/context';
import { stopAll } from './support/processes';
import { BenchRedis } from './support/redis';

/**
 * `npm run bench`: every scenario in sequence (engine; HTTP with dependency protection; a hanging
 * Redis; memory over a soak; readiness under real faults), ours side by side with
 * @nestjs/terminus 12, then a summary.
 * Knobs: BENCH_DURATION_S (10), BENCH_ROUNDS (3), BENCH_CONNECTIONS (64), BENCH_WARMUP_S (3),
 * BENCH_SOAK_SECONDS (600), BENCH_SOAK_WARMUP_S, BENCH_SOAK_SAMPLE_S, BENCH_LIVE_RATE (50),
 * BENCH_ENGINE_RUNS (5000), BENCH_ENGINE_WARMUP (500), BENCH_PROBE_REQUESTS (200),
 * BENCH_SCENARIOS (engine,http,hang,memory,probes), BENCH_SKIP_BUILD=1 (reuse the last snapshot
 * of the build). Exits 1 when a scenario reports a missed target. See docs/benchmarks.md.
 */
const ROOT = resolve(__dirname, '..');
const SNAPSHOT = join(ROOT, 'node_modules/.cache/nest-health-bench/api');

function sh(command: string, args: string[]): void {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed`);
}

/** The anchor's own dependencies (Nest 12, Terminus 12), from its lockfile, when absent. */
function ensureAnchor(): void {
  if (existsSync(join(ROOT, 'bench/terminus/node_modules'))) return;
  console.log('installing the Terminus anchor: npm ci --prefix bench/terminus');
  sh('npm', ['ci', '--prefix', 'bench/terminus', '--no-audit', '--no-fund']);
}

/**
 * Builds the service and copies the build aside, so that a rebuild by someone else during the
 * run (the build empties dist/) cannot pull the files from under the servers being started.
 */
function buildService(skip: boolean): void {
  if (skip && existsSync(SNAPSHOT)) return;
  sh('npm', ['run', '--silent', 'build']);
  rmSync(SNAPSHOT, { recursive: true, force: true });
  cpSync(join(ROOT, 'dist/apps/api'), SNAPSHOT, { recursive: true });
  // The package the service requires, as it would sit in an installed app's node_modules.
  cpSync(join(ROOT, 'dist/libs/health'), join(SNAPSHOT, 'node_modules/@nest-health/core'), {
    recursive: true,
  });
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

function machine(): string {
  const cpus = os.cpus();
  const dirty = git(['status', '--porcelain', '--', 'libs', 'apps']).split('\n').filter(Boolean);
  return [
    `node     ${process.version}`,
    `cpu      ${cpus[0]?.model ?? 'unknown'} x ${cpus.length}`,
    `memory   ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `os       ${os.type()} ${os.release()}`,
    `load     ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (1/5/15 min, at start)`,
    `commit   ${git(['rev-parse', '--short', 'HEAD'])}${dirty.length ? ` + ${dirty.length} uncommitted file(s) in libs/ apps/` : ''}`,
    `date     ${new Date().toISOString()}`,
  ].join('\n');
}

async function main(): Promise<void> {
  const config = configFromEnv();
  // Taken once, at the start: the code measured is the code built now.
  const where = machine();
  console.log('nest-health benchmarks: ours vs @nestjs/terminus 12\n');
  console.log(where);
  console.log(`settings ${JSON.stringify(config)}\n`);

  const logDir = mkdtempSync(join(os.tmpdir(), 'nest-health-bench-'));
  const needsServers = config.scenarios.some((s) => s !== 'engine');
  ensureAnchor();
  if (needsServers) buildService(config.skipBuild);
  const ctx: BenchContext = { config, root: ROOT, apiDir: SNAPSHOT, logDir };

  const cleanup = async () => {
    ctx.redis?.resume();
    await stopAll();
    await ctx.redis?.stop();
  };
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: stopping every process the benchmark started`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const outcomes: ScenarioOutcome[] = [];
  try {
    if (needsServers) ctx.redis = await BenchRedis.start(logDir);
    for (const scenario of config.scenarios) {
      console.log(`\n== ${scenario}`);
      if (scenario === 'engine') outcomes.push(await runEngine(ctx));
      if (scenario === 'http') outcomes.push(...(await runHttp(ctx)));
      if (scenario === 'hang') outcomes.push(await runHang(ctx));
      if (scenario === 'memory') outcomes.push(await runMemory(ctx));
      if (scenario === 'probes') outcomes.push(await runProbes(ctx));
    }
  } finally {
    await cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  const file = join(logDir, 'results.json');
  writeFileSync(file, JSON.stringify({ machine: where, config, outcomes }, null, 2));
  console.log('\n================ summary ================\n');
  console.log(where);
  for (const outcome of outcomes) console.log(`\n${outcome.summary}`);
  console.log(`\nfigures of every run and server logs: ${logDir}`);
  const missed = outcomes.filter((o) => o.met === false).map((o) => o.name);
  if (missed.length) {
    console.error(`\ntargets NOT met in: ${missed.join(', ')}`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
