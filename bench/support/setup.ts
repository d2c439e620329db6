import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import type { BenchContext, ScenarioOutcome } from './context';
import { configFromEnv } from './context';
import type { BenchDatabase } from './database';
import { benchDatabase } from './database';
import { stopAll } from './processes';
import { BenchRedis } from './redis';
import { describeTarget, exitOnMissed } from './targets';

/** What every benchmark entry point shares: the build snapshot, the machine line, cleanup. */
export const ROOT = resolve(__dirname, '../..');
export const SNAPSHOT = join(ROOT, 'node_modules/.cache/nest-health-bench/api');

function sh(command: string, args: string[]): void {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed`);
}

/** The anchor's own dependencies (Nest 12, Terminus 12), from its lockfile, when absent. */
export function ensureAnchor(): void {
  if (existsSync(join(ROOT, 'bench/terminus/node_modules/@nestjs/platform-fastify'))) return;
  console.log('installing the Terminus anchor: npm ci --prefix bench/terminus');
  sh('npm', ['ci', '--prefix', 'bench/terminus', '--no-audit', '--no-fund']);
}

/**
 * Builds the service (`full`: always; otherwise only when the sources changed since the last
 * build) and copies the build aside, so that a rebuild by someone else during the run (the build
 * empties dist/) cannot pull the files from under the servers being started. `skip`: reuse the
 * last snapshot as it is.
 */
export function buildService(skip: boolean, full = true): void {
  if (skip && existsSync(SNAPSHOT)) return;
  sh(process.execPath, [join(ROOT, 'scripts/build.mjs'), ...(full ? [] : ['--if-stale'])]);
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

/** Load average now: what shared the two cores with the figures. */
export function load(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

export function machine(): string {
  const cpus = os.cpus();
  const dirty = git(['status', '--porcelain', '--', 'libs', 'apps']).split('\n').filter(Boolean);
  return [
    `node     ${process.version}`,
    `cpu      ${cpus[0]?.model ?? 'unknown'} x ${cpus.length}`,
    `memory   ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `os       ${os.type()} ${os.release()}`,
    `load     ${load()} (1/5/15 min, at start)`,
    `commit   ${git(['rev-parse', '--short', 'HEAD'])}${dirty.length ? ` + ${dirty.length} uncommitted file(s) in libs/ apps/` : ''}`,
    `date     ${new Date().toISOString()}`,
  ].join('\n');
}

export function tempDir(): string {
  return mkdtempSync(join(os.tmpdir(), 'nest-health-bench-'));
}

/** The private Redis and the PostgreSQL the scenarios use, and how to stop everything. */
export interface Dependencies {
  redis?: BenchRedis;
  database?: BenchDatabase;
  cleanup(): Promise<void>;
}

export async function startDependencies(
  logDir: string,
  need: { redis: boolean; database: boolean },
): Promise<Dependencies> {
  const deps: Dependencies = {
    cleanup: async () => {
      deps.redis?.resume();
      await stopAll();
      await deps.redis?.stop();
      await deps.database?.stop();
    },
  };
  try {
    if (need.redis) deps.redis = await BenchRedis.start(logDir);
    if (need.database) deps.database = await benchDatabase();
  } catch (error) {
    await deps.cleanup();
    throw error;
  }
  return deps;
}

/** Ctrl-C or a kill stops every process the benchmark started; returns the unhook. */
export function onInterrupt(cleanup: () => Promise<void>): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: stopping every process the benchmark started`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

/**
 * One scenario on its own (`npm run bench:memory`, `bench:indicators`): the build, a private
 * Redis and a PostgreSQL, the scenario, its summary and targets; exit code 1 on a missed one.
 */
export async function runStandalone(
  title: string,
  run: (ctx: BenchContext) => Promise<ScenarioOutcome>,
): Promise<void> {
  console.log(`nest-health: ${title}\n`);
  console.log(machine());
  const config = configFromEnv();
  buildService(config.skipBuild, false);
  const logDir = tempDir();
  const deps = await startDependencies(logDir, { redis: true, database: true });
  const unhook = onInterrupt(deps.cleanup);
  try {
    console.log(`database ${deps.database?.origin}\n`);
    const outcome = await run({
      config,
      root: ROOT,
      apiDir: SNAPSHOT,
      logDir,
      redis: deps.redis,
      databaseUrl: deps.database?.url,
    });
    console.log(`\n${outcome.summary}\n`);
    for (const t of outcome.targets ?? []) console.log(describeTarget(t));
    console.log(`\nload     ${load()} (1/5/15 min, at the end)\nlogs     ${logDir}`);
    exitOnMissed(outcome.targets ?? []);
  } finally {
    await deps.cleanup();
    unhook();
  }
}
