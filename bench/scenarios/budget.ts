import { BlackHole } from '../../test/support/black-hole';
import type { BenchContext, ScenarioOutcome } from '../support/context';
import type { HeapFigures } from '../support/host';
import { ask, heapOf, startHost } from '../support/host';
import { sleep } from '../support/processes';
import { fixed, median, mib, table } from '../support/stats';
import { target } from '../support/targets';

/**
 * The whole health infrastructure's memory: the built service with 50 components (the host's
 * five checks against a real Redis and PostgreSQL, plus 45 synchronous ones) at its fullest
 * (`bench:fill`: 24 h of trend samples, every webhook queue full behind a receiver that never
 * answers, the event stream's replay buffer when the build has one, the metrics registry after a
 * scrape), minus the same service without its health infrastructure (bench/support/host.server.mjs,
 * `BENCH_HEALTH=off`). Each figure is V8's heap plus the typed arrays' backing stores
 * (`heapUsed + arrayBuffers`) after two full collections; fresh processes, the two variants
 * alternating, medians over rounds.
 */
export const BUDGET_MB = 10;
export const BUDGET_COMPONENTS = 50;
const HOST_CHECKS = ['ai_model', 'cache', 'resilience', 'database', 'runtime'];

/** What `bench:fill` filled, and what each part added (between full collections, in bytes). */
export interface Filled {
  components: number;
  trendSamplesPerComponent?: number;
  trendBytes?: number;
  webhookPending?: number;
  webhookQueues?: number;
  eventsKept?: number;
  metricsBytes: number;
  metricsStatus: number;
  added: Record<'trends' | 'webhooks' | 'events' | 'metrics', number>;
}

export interface BudgetRun {
  round: number;
  variant: 'with' | 'without';
  /** heapUsed + arrayBuffers, median of the samples. */
  bytes: number;
  samples: HeapFigures[];
  filled?: Filled;
}

/** `BENCH_BUDGET_ENV="HEALTH_WEBHOOK_QUEUE_SIZE=100 ..."`: the service's settings to measure. */
function extraEnv(raw = process.env.BENCH_BUDGET_ENV ?? ''): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of raw.split(/\s+/).filter(Boolean)) {
    const at = pair.indexOf('=');
    if (at < 1) throw new Error(`BENCH_BUDGET_ENV: ${pair} is not NAME=value`);
    env[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return env;
}

const total = (h: HeapFigures) => h.heapUsed + h.arrayBuffers;

async function measure(
  ctx: BenchContext,
  variant: BudgetRun['variant'],
  round: number,
  receiver: string,
): Promise<BudgetRun> {
  const host = await startHost(ctx, {
    tag: `budget-${variant}-r${round}`,
    health: variant === 'with',
    extraChecks: BUDGET_COMPONENTS - HOST_CHECKS.length,
    gc: true,
    env: {
      HEALTH_CHECK_ENABLED_COMPONENTS: HOST_CHECKS.join(','),
      DATABASE_URL: ctx.databaseUrl ?? '',
      HEALTH_WEBHOOK_URLS: receiver,
      HEALTH_WEBHOOK_SECRET: 'bench-webhook-secret',
      ...extraEnv(),
    },
  });
  try {
    let filled: Filled | undefined;
    if (variant === 'with') {
      ({ filled } = await ask<{ filled: Filled }>(host.child, { type: 'bench:fill' }));
    }
    await sleep(500);
    const samples: HeapFigures[] = [];
    for (let i = 0; i < 3; i++) {
      samples.push(await heapOf(host.child));
      await sleep(200);
    }
    return { round, variant, bytes: median(samples.map(total)), samples, filled };
  } finally {
    await host.child.stop();
  }
}

export async function runBudget(ctx: BenchContext, rounds: number): Promise<ScenarioOutcome> {
  if (!ctx.databaseUrl) throw new Error('the memory budget needs a PostgreSQL (databaseUrl)');
  const hole = await BlackHole.start();
  const receiver = `http://127.0.0.1:${hole.port}/hook`;
  const runs: BudgetRun[] = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      const order = round % 2 ? (['without', 'with'] as const) : (['with', 'without'] as const);
      for (const variant of order) {
        const run = await measure(ctx, variant, round, receiver);
        runs.push(run);
        console.log(
          `  budget round ${round} ${variant.padEnd(7)} ${mib(run.bytes, 2)} MiB` +
            (run.filled ? ` (${addedText(run.filled)})` : ''),
        );
      }
    }
  } finally {
    await hole.close();
  }
  return budgetOutcome(runs);
}

function addedText(filled: Filled): string {
  return Object.entries(filled.added)
    .map(([part, bytes]) => `${part} +${mib(bytes, 2)}`)
    .join(', ');
}

function budgetOutcome(runs: BudgetRun[]): ScenarioOutcome {
  const of = (variant: BudgetRun['variant']) =>
    median(runs.filter((r) => r.variant === variant).map((r) => r.bytes));
  const withBytes = of('with');
  const withoutBytes = of('without');
  const cost = withBytes - withoutBytes;
  const filled = runs.find((r) => r.filled)?.filled;
  const perRound = runs
    .filter((r) => r.variant === 'with')
    .map((w) => {
      const wo = runs.find((r) => r.round === w.round && r.variant === 'without');
      return wo ? w.bytes - wo.bytes : NaN;
    });
  const part = (name: keyof Filled['added']) =>
    `+${mib(median(runs.flatMap((r) => (r.filled ? [r.filled.added[name]] : []))), 2)} MiB`;
  const rows = [
    ['service with the health infrastructure, filled', `${mib(withBytes, 2)} MiB`],
    ['the same service without it', `${mib(withoutBytes, 2)} MiB`],
    ['**health infrastructure**', `**${mib(cost, 2)} MiB**`],
    ['per round', perRound.map((b) => `${mib(b, 2)}`).join(', ') + ' MiB'],
    ['components', `${filled?.components ?? '?'}`],
    [`trend store: ${filled?.trendSamplesPerComponent ?? 0} samples per component`, part('trends')],
    [
      `webhook queue(s): ${filled?.webhookPending ?? 0} events pending in ${filled?.webhookQueues ?? 0}`,
      part('webhooks'),
    ],
    [
      filled?.eventsKept === undefined
        ? 'event stream: not in this build'
        : `event stream: ${filled.eventsKept} events kept for replay`,
      part('events'),
    ],
    [
      `metrics registry (scrape of ${fixed((filled?.metricsBytes ?? 0) / 1024, 1)} KiB)`,
      part('metrics'),
    ],
    [
      'the rest: modules, checks, engine, code',
      `${mib(cost - Object.values(filled?.added ?? {}).reduce((a, b) => a + b, 0), 2)} MiB`,
    ],
  ];
  const budget = target(
    `health infrastructure memory, ${BUDGET_COMPONENTS} components, full`,
    // The PRD's 10 MB, in decimal megabytes (10^6 bytes): stricter than 10 MiB.
    cost / 1e6,
    '<',
    BUDGET_MB,
    'MB',
  );
  const settings = Object.entries(extraEnv())
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const summary = [
    `Memory budget: heapUsed + arrayBuffers after full GCs, medians of ${perRound.length} round(s)` +
      (settings ? `; settings ${settings}` : '; default settings'),
    table(['what', 'figure'], rows),
  ].join('\n');
  return { name: 'budget', summary, data: runs, targets: [budget] };
}
