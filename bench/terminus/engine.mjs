import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { HealthCheckService, HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { performance } from 'node:perf_hooks';
import process from 'node:process';

/**
 * The anchor of the engine comparison: `HealthCheckService.check()` of @nestjs/terminus 12 over
 * 100 no-op indicators, with the same loop as ours (bench/support/engine.worker.ts, which lists
 * the kinds). Prints one JSON line: `{ kind: { mean, p50, p99, max } }` in ms per aggregation.
 */
const CHECKS = 100;
const WARMUP = Number(process.env.BENCH_ENGINE_WARMUP ?? 500);
const RUNS = Number(process.env.BENCH_ENGINE_RUNS ?? 5000);

function indicatorsOf(kind, indicators) {
  const names = Array.from({ length: CHECKS }, (_, i) => `noop_${String(i).padStart(3, '0')}`);
  switch (kind) {
    case 'sync':
      return names.map((name) => () => indicators.check(name).up());
    case 'async':
      return names.map((name) => async () => indicators.check(name).up());
    case 'timeout':
      return names.map(
        (name) => () =>
          indicators
            .check(name)
            .attempt(async ({ signal }) => (signal.aborted ? undefined : undefined))
            .withTimeout(2000),
      );
    default:
      throw new Error(`unknown kind ${kind}`);
  }
}

async function measure(health, checks) {
  for (let i = 0; i < WARMUP; i++) await health.check(checks);
  const samples = new Array(RUNS);
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const result = await health.check(checks);
    samples[i] = performance.now() - started;
    if (result.status !== 'ok' || Object.keys(result.details).length !== CHECKS) {
      throw new Error(`unexpected result: ${result.status}`);
    }
  }
  return samples;
}

function percentile(sorted, p) {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)];
}

function summary(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = samples.reduce((sum, s) => sum + s, 0) / samples.length;
  return { mean, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) };
}

async function main() {
  const app = await NestFactory.createApplicationContext(TerminusModule.forRoot(), {
    logger: false,
  });
  try {
    const health = app.get(HealthCheckService);
    const indicators = app.get(HealthIndicatorService);
    const result = {};
    for (const kind of ['sync', 'async', 'timeout']) {
      result[kind] = summary(await measure(health, indicatorsOf(kind, indicators)));
    }
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await app.close();
  }
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exitCode = 1;
});
