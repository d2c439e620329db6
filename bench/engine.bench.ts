import os from 'node:os';
import type { EngineKind } from './support/engine-measure';
import { ENGINE_CHECKS, ENGINE_KINDS, measureEngine, summarize } from './support/engine-measure';

/**
 * Engine overhead: one `HealthService.check()` over 100 no-op checks, i.e. the cost of the
 * registry, runner, timeouts, aggregation and redaction with nothing to wait for, for each kind
 * of check (see support/engine-measure.ts). Run with `npm run bench:engine`.
 */
const WARMUP = 500;
const RUNS = 5000;
const TARGET_MS = 1;
const SEED_BUDGET_MS = 50;

const ms = (value: number) => `${value.toFixed(3)} ms`;
const verdict = (value: number, limit: number) => (value < limit ? 'met' : 'NOT met');

function report(kind: EngineKind, samples: number[]): void {
  const { mean, p50, p99, max } = summarize(samples);
  console.log(`\n${kind} no-op checks`);
  console.log(`  mean          ${ms(mean)}`);
  console.log(`  p50           ${ms(p50)}`);
  console.log(`  p99           ${ms(p99)}`);
  console.log(`  max           ${ms(max)}`);
  for (const [label, limit] of [
    ['target (ours)', TARGET_MS],
    ['budget (seed)', SEED_BUDGET_MS],
  ] as const) {
    console.log(
      `  ${label} < ${limit} ms: mean ${verdict(mean, limit)}, p99 ${verdict(p99, limit)}`,
    );
  }
}

async function main(): Promise<void> {
  const cpus = os.cpus();
  console.log('engine benchmark: HealthService.check() over no-op checks');
  console.log(`node            ${process.version}`);
  console.log(`cpu             ${cpus[0]?.model ?? 'unknown'} (${cpus.length} cores)`);
  console.log(`checks          ${ENGINE_CHECKS}`);
  console.log(`warm-up runs    ${WARMUP}`);
  console.log(`measured runs   ${RUNS}`);
  for (const kind of ENGINE_KINDS) report(kind, await measureEngine(kind, WARMUP, RUNS));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
