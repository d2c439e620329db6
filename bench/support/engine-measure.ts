import { performance } from 'node:perf_hooks';
import type { HealthCheckDefinition } from '../../libs/health/src';
import { HealthService, HealthStatus } from '../../libs/health/src';
import { percentile } from './stats';

/**
 * Kinds of no-op check: `sync` answers synchronously; `async` returns a promise (raced against
 * its 2 s timeout); `timeout` also declares the AbortSignal, as every real I/O check does, so
 * the engine gives it an AbortController.
 */
export const ENGINE_KINDS = ['sync', 'async', 'timeout'] as const;
export type EngineKind = (typeof ENGINE_KINDS)[number];

export const ENGINE_CHECKS = 100;

const healthy = { status: HealthStatus.HEALTHY };
const CHECK_OF: Record<EngineKind, HealthCheckDefinition['check']> = {
  sync: () => healthy,
  async: async () => healthy,
  timeout: async (signal: AbortSignal) => (signal.aborted ? healthy : healthy),
};

/** What `measureEngine` timed: each aggregation's wall time, and the process's CPU time. */
export interface EngineSamples {
  /** Wall time of each aggregation, ms. */
  samples: number[];
  /** CPU time (user + system, every thread) of the whole timed loop, ms. */
  cpuMs: number;
}

/** Times `runs` sequential `HealthService.check()` over 100 no-op checks, after `warmup`. */
export async function measureEngine(
  kind: EngineKind,
  warmup: number,
  runs: number,
): Promise<EngineSamples> {
  const checks = Array.from({ length: ENGINE_CHECKS }, (_, i) => ({
    name: `noop_${String(i).padStart(3, '0')}`,
    check: CHECK_OF[kind],
    // Checks that take the signal ask for one that aborts, as real ones should.
    abortable: kind === 'timeout',
  }));
  const service = new HealthService({ checks, defaultTimeoutMs: 2000 });
  try {
    for (let i = 0; i < warmup; i++) await service.check();
    const samples = new Array<number>(runs);
    const cpu = process.cpuUsage();
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      const report = await service.check();
      samples[i] = performance.now() - started;
      if (
        report.components.length !== ENGINE_CHECKS ||
        report.overall_status !== HealthStatus.HEALTHY
      ) {
        throw new Error(`unexpected report: ${report.overall_status}, ${report.components.length}`);
      }
    }
    const { user, system } = process.cpuUsage(cpu);
    return { samples, cpuMs: (user + system) / 1000 };
  } finally {
    service.onModuleDestroy();
  }
}

export interface EngineSummary {
  mean: number;
  /** CPU time per aggregation, ms: what the engine costs whatever else shares the cores. */
  cpuMean: number;
  p50: number;
  p99: number;
  max: number;
}

export function summarize({ samples, cpuMs }: EngineSamples): EngineSummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = samples.reduce((sum, s) => sum + s, 0) / samples.length;
  return {
    mean,
    cpuMean: cpuMs / samples.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1],
  };
}
