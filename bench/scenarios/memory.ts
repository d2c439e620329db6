import type { BenchContext, ScenarioOutcome } from '../support/context';
import type { LoadResult } from '../support/load';
import { runLoad } from '../support/load';
import { sleep } from '../support/processes';
import type { Variant } from '../support/servers';
import { LABELS, heapSample, startServer } from '../support/servers';
import { fixed, mib, slope, table, verdict } from '../support/stats';
import { target } from '../support/targets';

/**
 * Scenario 5, memory: each side under the HTTP load for `BENCH_SOAK_SECONDS` (default 600),
 * heap used sampled after a full collection (bench/support/preload.mjs, over IPC: the product is
 * unchanged) after the warm-up, every `BENCH_SOAK_SAMPLE_S` during the load, and at its end.
 * "No growth beyond noise": final within 5% (or 1 MiB) of the warm-up sample, and the fitted
 * slope projects to less than that over the whole soak.
 */
const SIDES: Variant[] = ['ours', 'terminus'];

interface Sample {
  t: number;
  heapUsed: number;
  rss: number;
}

interface Soak {
  variant: Variant;
  samples: Sample[];
  load: LoadResult;
}

export async function runMemory(ctx: BenchContext): Promise<ScenarioOutcome> {
  const { connections, soakS, soakWarmupS, soakSampleS } = ctx.config;
  const soaks: Soak[] = [];
  for (const variant of SIDES) {
    const server = await startServer(ctx, variant, { heapProbe: true, tag: 'soak' });
    try {
      const url = `${server.base}${server.path}`;
      await runLoad({ url, connections, durationS: soakWarmupS });
      const started = performance.now();
      const sample = async (): Promise<Sample> => {
        const { heapUsed, rss } = await heapSample(server);
        return { t: (performance.now() - started) / 1000, heapUsed, rss };
      };
      const samples = [await sample()];
      let done = false;
      const loading = runLoad({ url, connections, durationS: soakS }).finally(() => {
        done = true;
      });
      while (!done) {
        await Promise.race([sleep(soakSampleS * 1000), loading.catch(() => undefined)]);
        if (!done) samples.push(await sample());
      }
      const load = await loading;
      samples.push(await sample());
      soaks.push({ variant, samples, load });
      const first = samples[0];
      const last = samples.at(-1)!;
      console.log(
        `  memory ${variant.padEnd(8)} ${fixed(load.rps, 0)} req/s for ${load.durationS} s; heap ${mib(first.heapUsed)} -> ${mib(last.heapUsed)} MiB, rss ${mib(first.rss)} -> ${mib(last.rss)} MiB (${samples.length} samples)`,
      );
    } finally {
      await server.child.stop();
    }
  }
  return outcome(ctx, soaks);
}

function judge(soak: Soak) {
  const first = soak.samples[0];
  const last = soak.samples.at(-1)!;
  const growth = last.heapUsed - first.heapUsed;
  const allowance = Math.max(1024 * 1024, first.heapUsed * 0.05);
  const perSecond = slope(soak.samples.map((s) => ({ x: s.t, y: s.heapUsed })));
  const projected = perSecond * soak.load.durationS;
  const heaps = soak.samples.map((s) => s.heapUsed);
  return {
    first,
    last,
    growth,
    projected,
    min: Math.min(...heaps),
    max: Math.max(...heaps),
    met: growth <= allowance && projected <= allowance,
  };
}

function outcome(ctx: BenchContext, soaks: Soak[]): ScenarioOutcome {
  const rows = soaks.map((soak) => {
    const j = judge(soak);
    return [
      LABELS[soak.variant],
      `${soak.load.durationS}`,
      fixed(soak.load.rps, 0),
      fixed(soak.load.requests, 0),
      mib(j.first.heapUsed, 2),
      mib(j.last.heapUsed, 2),
      `${j.growth >= 0 ? '+' : ''}${mib(j.growth, 2)}`,
      `${mib(j.min, 2)} - ${mib(j.max, 2)}`,
      `${j.projected >= 0 ? '+' : ''}${mib(j.projected, 2)}`,
      `${mib(j.first.rss)} -> ${mib(j.last.rss)}`,
      verdict(j.met),
    ];
  });
  const { connections, soakS, soakWarmupS, soakSampleS } = ctx.config;
  const summary = [
    `Memory: ${connections} connections for ${soakS} s after a ${soakWarmupS} s warm-up; heap used after a full GC every ${soakSampleS} s (MiB)`,
    table(
      [
        'server',
        'load s',
        'req/s',
        'requests',
        'heap after warm-up',
        'heap at end',
        'growth',
        'range',
        'slope x soak',
        'rss',
        'no growth',
      ],
      rows,
    ),
    'The trend store at its maximum and the whole health infrastructure: the budget scenario.',
  ].join('\n');
  const targets = soaks
    .filter((soak) => soak.variant === 'ours')
    .map((soak) =>
      target(
        `soak: ${LABELS[soak.variant]}, heap growth within noise`,
        judge(soak).met ? 1 : 0,
        '>=',
        1,
      ),
    );
  return { name: 'memory', summary, data: soaks, targets };
}
