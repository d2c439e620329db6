import os from 'node:os';
import { describeTarget, exitOnMissed } from './support/targets';
import { measureTrendStore, trendReport, trendTargets } from './support/trend-measure';

/**
 * Trend store memory at its maximum retention (bench/support/trend-measure.ts): 50 components,
 * 24 h at 10 s, within its share of the 10 MB budget, no growth once the rings wrap.
 * Run with `npm run bench:trends`. Exits 1 when a target is missed.
 */
function main(): void {
  const cpus = os.cpus();
  console.log(`node              ${process.version}`);
  console.log(`cpu               ${cpus[0]?.model ?? 'unknown'} (${cpus.length} cores)`);
  const figures = measureTrendStore();
  console.log(trendReport(figures));
  const targets = trendTargets(figures);
  console.log('');
  for (const t of targets) console.log(describeTarget(t));
  exitOnMissed(targets);
}

main();
