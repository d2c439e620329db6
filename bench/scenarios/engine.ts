import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import type { BenchContext, ScenarioOutcome } from '../support/context';
import { fixed, median, table, verdict } from '../support/stats';
import { target } from '../support/targets';

/**
 * Scenario 1, engine: ours (`HealthService.check()`, bench/support/engine.worker.ts) against
 * @nestjs/terminus 12 (`HealthCheckService.check()`, bench/terminus/engine.mjs), 100 no-op checks,
 * one fresh process per side per round, sides alternating. Medians over rounds.
 */
const KINDS = ['sync', 'async', 'timeout'] as const;
type Kind = (typeof KINDS)[number];
type Figures = { mean: number; p50: number; p99: number; max: number };
type WorkerResult = Record<Kind, Figures>;
const SIDES = ['ours', 'terminus'] as const;
type Side = (typeof SIDES)[number];

const TARGET_MS = 1;

async function runWorker(ctx: BenchContext, side: Side): Promise<WorkerResult> {
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    BENCH_ENGINE_RUNS: String(ctx.config.engineRuns),
    BENCH_ENGINE_WARMUP: String(ctx.config.engineWarmup),
  };
  const [args, cwd] =
    side === 'ours'
      ? [
          [
            '-r',
            'ts-node/register/transpile-only',
            '-r',
            'tsconfig-paths/register',
            'bench/support/engine.worker.ts',
          ],
          ctx.root,
        ]
      : [['engine.mjs'], join(ctx.root, 'bench/terminus')];
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'inherit'] });
  const out: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  const killer = setTimeout(() => child.kill('SIGKILL'), 10 * 60_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(killer);
  if (code !== 0) throw new Error(`engine worker (${side}) exited ${code}`);
  return JSON.parse(
    Buffer.concat(out).toString('utf8').trim().split('\n').at(-1) ?? '',
  ) as WorkerResult;
}

export async function runEngine(ctx: BenchContext): Promise<ScenarioOutcome> {
  const rounds: Record<Side, WorkerResult[]> = { ours: [], terminus: [] };
  for (let round = 0; round < ctx.config.rounds; round++) {
    const order = round % 2 === 0 ? SIDES : ([...SIDES].reverse() as Side[]);
    for (const side of order) {
      const result = await runWorker(ctx, side);
      rounds[side].push(result);
      console.log(
        `  engine round ${round + 1} ${side.padEnd(8)} ` +
          KINDS.map((k) => `${k} mean ${fixed(result[k].mean, 3)} ms`).join(', '),
      );
    }
  }

  const med = (side: Side, kind: Kind, key: keyof Figures) =>
    median(rounds[side].map((r) => r[kind][key]));
  const rows = KINDS.map((kind) => {
    const ours = med('ours', kind, 'mean');
    const terminus = med('terminus', kind, 'mean');
    return [
      kind,
      `${fixed(ours, 3)} ms`,
      `${fixed(med('ours', kind, 'p50'), 3)} / ${fixed(med('ours', kind, 'p99'), 3)} ms`,
      `${fixed(terminus, 3)} ms`,
      `${fixed(med('terminus', kind, 'p50'), 3)} / ${fixed(med('terminus', kind, 'p99'), 3)} ms`,
      `${fixed(terminus / ours, 2)}x`,
      `${verdict(ours < TARGET_MS)}; ${verdict(ours <= terminus)}`,
    ];
  });
  const summary = [
    `Engine: one aggregation of 100 no-op checks (medians of ${ctx.config.rounds} rounds x ${ctx.config.engineRuns} runs)`,
    table(
      [
        'checks',
        'ours mean',
        'ours p50 / p99',
        'Terminus mean',
        'Terminus p50 / p99',
        'Terminus / ours',
        'ours < 1 ms; ours <= Terminus',
      ],
      rows,
    ),
  ].join('\n');
  const targets = KINDS.flatMap((kind) => {
    const ours = med('ours', kind, 'mean');
    return [
      target(`engine ${kind}: ours mean per aggregation`, ours, '<', TARGET_MS, 'ms'),
      target(`engine ${kind}: Terminus / ours`, med('terminus', kind, 'mean') / ours, '>=', 1, 'x'),
    ];
  });
  return { name: 'engine', summary, data: rounds, targets };
}
