import { table } from './stats';

/**
 * A performance target: a measured figure against a limit. Every benchmark builds its verdicts
 * from these, prints them, and exits 1 when one is missed (`exitOnMissed`).
 *
 * `BENCH_IMPOSSIBLE_TARGETS=1` replaces every limit by one no figure can meet (`< 0`, `>= ∞`):
 * the way to see that a benchmark really fails when a target is missed.
 */
export type Comparison = '<' | '<=' | '>=';

export interface Target {
  name: string;
  figure: number;
  comparison: Comparison;
  limit: number;
  unit: string;
  met: boolean;
}

export function impossibleTargets(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.BENCH_IMPOSSIBLE_TARGETS === '1';
}

export function target(
  name: string,
  figure: number,
  comparison: Comparison,
  limit: number,
  unit = '',
): Target {
  const bound = impossibleTargets() ? (comparison === '>=' ? Infinity : 0) : limit;
  const met =
    Number.isFinite(figure) &&
    (comparison === '<' ? figure < bound : comparison === '<=' ? figure <= bound : figure >= bound);
  return { name, figure, comparison, limit: bound, unit, met };
}

function show(value: number, unit: string): string {
  if (!Number.isFinite(value)) return String(value);
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 3;
  const text = value.toLocaleString('en', { maximumFractionDigits: digits });
  return unit ? `${text} ${unit}` : text;
}

/** One line: `name: figure (target < limit): met` or `NOT met`. */
export function describeTarget(t: Target): string {
  const verdict = t.met ? 'met' : 'NOT met';
  return `${t.name}: ${show(t.figure, t.unit)} (target ${t.comparison} ${show(t.limit, t.unit)}): ${verdict}`;
}

/** The targets as a Markdown table. */
export function targetTable(targets: readonly Target[]): string {
  return table(
    ['target', 'figure', 'limit', 'verdict'],
    targets.map((t) => [
      t.name,
      show(t.figure, t.unit),
      `${t.comparison} ${show(t.limit, t.unit)}`,
      t.met ? 'met' : 'NOT met',
    ]),
  );
}

/** Prints the missed targets (to stderr) and sets exit code 1 when there is any; returns them. */
export function exitOnMissed(targets: readonly Target[]): Target[] {
  const missed = targets.filter((t) => !t.met);
  if (missed.length > 0) {
    console.error(`\n${missed.length} target(s) NOT met:`);
    for (const t of missed) console.error(`  ${describeTarget(t)}`);
    process.exitCode = 1;
  }
  return missed;
}
