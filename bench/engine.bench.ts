import os from 'node:os';
import type { EngineKind, EngineSummary } from './support/engine-measure';
import { ENGINE_CHECKS, ENGINE_KINDS, measureEngine, summarize } from './support/engine-measure';
import type { Target } from './support/targets';
import { describeTarget, exitOnMissed, target } from './support/targets';

/**
 * Engine overhead: one `HealthService.check()` over 100 no-op checks, i.e. the cost of the
 * registry, runner, timeouts, aggregation and redaction with nothing to wait for, for each kind
 * of check (see support/engine-measure.ts). Run with `npm run bench:engine`
 * (BENCH_ENGINE_WARMUP, 500; BENCH_ENGINE_RUNS, 5000). Exits 1 when a target is missed.
 */
const WARMUP = Number(process.env.BENCH_ENGINE_WARMUP ?? 500);
const RUNS = Number(process.env.BENCH_ENGINE_RUNS ?? 5000);
export const ENGINE_TARGET_MS = 1;
export const SEED_BUDGET_MS = 50;

const ms = (value: number) => `${value.toFixed(3)} ms`;

/** The engine's targets for one kind: mean < 1 ms, and every aggregation (p99) < 50 ms. */
export function engineTargets(kind: EngineKind, s: EngineSummary): Target[] {
  return [
    target(`engine ${kind}: mean per aggregation`, s.mean, '<', ENGINE_TARGET_MS, 'ms'),
    target(`engine ${kind}: p99 per aggregation (seed)`, s.p99, '<', SEED_BUDGET_MS, 'ms'),
  ];
}

function report(kind: EngineKind, s: EngineSummary): Target[] {
  console.log(`\n${kind} no-op checks`);
  console.log(`  mean          ${ms(s.mean)}`);
  console.log(`  cpu mean      ${ms(s.cpuMean)}`);
  console.log(`  p50           ${ms(s.p50)}`);
  console.log(`  p99           ${ms(s.p99)}`);
  console.log(`  max           ${ms(s.max)}`);
  const targets = engineTargets(kind, s);
  for (const t of targets) console.log(`  ${describeTarget(t)}`);
  return targets;
}

async function main(): Promise<void> {
  const cpus = os.cpus();
  console.log('engine benchmark: HealthService.check() over no-op checks');
  console.log(`node            ${process.version}`);
  console.log(`cpu             ${cpus[0]?.model ?? 'unknown'} (${cpus.length} cores)`);
  console.log(
    `load            ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(`checks          ${ENGINE_CHECKS}`);
  console.log(`warm-up runs    ${WARMUP}`);
  console.log(`measured runs   ${RUNS}`);
  const targets: Target[] = [];
  for (const kind of ENGINE_KINDS) {
    targets.push(...report(kind, summarize(await measureEngine(kind, WARMUP, RUNS))));
  }
  exitOnMissed(targets);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
