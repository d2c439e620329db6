import os from 'node:os';
import { performance } from 'node:perf_hooks';
import type { HealthCheckDefinition } from '../libs/health/src';
import { HealthService, HealthStatus } from '../libs/health/src';

/**
 * Engine overhead: one `HealthService.check()` over 100 no-op checks, i.e. the cost of the
 * registry, runner, timeouts, aggregation and redaction with nothing to wait for. Three kinds of
 * no-op: a check that answers synchronously (config-style checks); one that returns a resolved
 * promise, which the engine races against its timeout; and one that also takes the AbortSignal
 * (every real I/O check), for which the engine creates an AbortController.
 * Run with `npm run bench:engine`.
 */
const CHECKS = 100;
const WARMUP = 500;
const RUNS = 5000;
const TARGET_MS = 1;
const SEED_BUDGET_MS = 50;

type Kind = 'sync' | 'async' | 'async-signal';

/** How each kind answers. `async-signal` takes the signal, so the engine gives it a controller. */
const CHECK_OF: Record<
  Kind,
  (healthy: { status: HealthStatus }) => HealthCheckDefinition['check']
> = {
  sync: (healthy) => () => healthy,
  async: (healthy) => async () => healthy,
  'async-signal': (healthy) => async (signal: AbortSignal) => (signal.aborted ? healthy : healthy),
};

function noopChecks(count: number, kind: Kind): HealthCheckDefinition[] {
  const healthy = { status: HealthStatus.HEALTHY };
  return Array.from({ length: count }, (_, i) => ({
    name: `noop_${String(i).padStart(3, '0')}`,
    check: CHECK_OF[kind](healthy),
  }));
}

function percentile(sorted: readonly number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)];
}

const ms = (value: number) => `${value.toFixed(3)} ms`;
const verdict = (value: number, limit: number) => (value < limit ? 'met' : 'NOT met');

async function measure(kind: Kind): Promise<number[]> {
  const service = new HealthService({ checks: noopChecks(CHECKS, kind) });
  try {
    for (let i = 0; i < WARMUP; i++) await service.check();
    const samples = new Array<number>(RUNS);
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      const report = await service.check();
      samples[i] = performance.now() - started;
      if (report.components.length !== CHECKS || report.overall_status !== HealthStatus.HEALTHY) {
        throw new Error(`unexpected report: ${report.overall_status}, ${report.components.length}`);
      }
    }
    return samples;
  } finally {
    service.onModuleDestroy();
  }
}

function report(kind: Kind, samples: number[]): void {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = samples.reduce((sum, s) => sum + s, 0) / samples.length;
  const p99 = percentile(sorted, 99);
  console.log(`\n${kind} no-op checks`);
  console.log(`  mean          ${ms(mean)}`);
  console.log(`  p50           ${ms(percentile(sorted, 50))}`);
  console.log(`  p99           ${ms(p99)}`);
  console.log(`  max           ${ms(sorted[sorted.length - 1])}`);
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
  console.log(`checks          ${CHECKS}`);
  console.log(`warm-up runs    ${WARMUP}`);
  console.log(`measured runs   ${RUNS}`);
  for (const kind of ['sync', 'async', 'async-signal'] as const) report(kind, await measure(kind));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
