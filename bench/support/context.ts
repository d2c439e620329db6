import type { BenchRedis } from './redis';
import type { Target } from './targets';

/** Knobs, all from the environment, with the defaults of the real run. */
export interface BenchConfig {
  /** Scenarios to run, in this order: engine, http (with protection), hang, memory, probes, fastify, indicators, budget, faults. */
  scenarios: string[];
  rounds: number;
  connections: number;
  durationS: number;
  warmupS: number;
  engineRuns: number;
  engineWarmup: number;
  /** Requests per second of the `/v1/health/live` probe during the hang scenario. */
  liveRate: number;
  soakS: number;
  soakWarmupS: number;
  soakSampleS: number;
  /** Sequential `/v1/health/ready` requests per fault in the probes scenario. */
  probeRequests: number;
  /** Runs of each indicator's check per phase in the indicators scenario. */
  indicatorRuns: number;
  skipBuild: boolean;
}

function num(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) throw new Error(`${name} must be a number >= ${min}`);
  return value;
}

export const SCENARIOS = [
  'engine',
  'http',
  'hang',
  'memory',
  'probes',
  'fastify',
  'indicators',
  'budget',
  'faults',
] as const;

export function configFromEnv(): BenchConfig {
  const scenarios = (process.env.BENCH_SCENARIOS ?? SCENARIOS.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const s of scenarios) {
    if (!(SCENARIOS as readonly string[]).includes(s)) {
      throw new Error(`BENCH_SCENARIOS: unknown scenario ${s} (${SCENARIOS.join(', ')})`);
    }
  }
  const soakS = num('BENCH_SOAK_SECONDS', 600);
  return {
    scenarios,
    rounds: num('BENCH_ROUNDS', 3),
    connections: num('BENCH_CONNECTIONS', 64),
    durationS: num('BENCH_DURATION_S', 10),
    warmupS: num('BENCH_WARMUP_S', 3),
    engineRuns: num('BENCH_ENGINE_RUNS', 5000),
    engineWarmup: num('BENCH_ENGINE_WARMUP', 500),
    liveRate: num('BENCH_LIVE_RATE', 50),
    soakS,
    soakWarmupS: num('BENCH_SOAK_WARMUP_S', Math.min(30, Math.max(2, Math.round(soakS / 5)))),
    soakSampleS: num('BENCH_SOAK_SAMPLE_S', Math.min(30, Math.max(1, Math.round(soakS / 10)))),
    probeRequests: num('BENCH_PROBE_REQUESTS', 200),
    indicatorRuns: num('BENCH_INDICATOR_RUNS', 1000),
    skipBuild: process.env.BENCH_SKIP_BUILD === '1',
  };
}

/** What every scenario is given. */
export interface BenchContext {
  config: BenchConfig;
  /** The repository root. */
  root: string;
  /** Snapshot of the built service (`dist/apps/api`), safe from rebuilds during the run. */
  apiDir: string;
  logDir: string;
  redis?: BenchRedis;
  /** PostgreSQL for the `database` check (bench/support/database.ts). */
  databaseUrl?: string;
}

/** A scenario's figures and the text it adds to the final summary. */
export interface ScenarioOutcome {
  name: string;
  summary: string;
  data: unknown;
  /** The targets the scenario checks: `npm run bench` exits 1 when one is missed. */
  targets?: Target[];
}
