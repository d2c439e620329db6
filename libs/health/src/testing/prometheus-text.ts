/** One sample of a scrape in the Prometheus text format (for tests: no exemplars, no timestamps). */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Parses a scrape; throws on a line that is neither a comment nor a sample. */
export function parseMetrics(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map(parseLine);
}

function parseLine(line: string): Sample {
  const match = SAMPLE.exec(line);
  if (!match) throw new Error(`Not a sample: ${line}`);
  const labels: Record<string, string> = {};
  for (const [, key, value] of (match[2] ?? '').matchAll(LABEL)) labels[key] = unescape(value);
  return { name: match[1], labels, value: Number(match[3]) };
}

function unescape(value: string): string {
  return value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

/** Samples of one metric name whose labels include these. */
export function select(
  samples: Sample[],
  name: string,
  labels: Record<string, string> = {},
): Sample[] {
  return samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
}

/** The value of the one sample matching, or undefined when there is none. */
export function valueOf(
  samples: Sample[],
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const found = select(samples, name, labels);
  if (found.length > 1) throw new Error(`${found.length} samples match ${name}`);
  return found[0]?.value;
}

/**
 * The current state of each StateSet group (keyed by the labels other than `state`), checking
 * the invariant on the way: exactly the three states, exactly one of them at 1, the others 0.
 */
export function stateSets(samples: Sample[], name: string): Record<string, string> {
  const groups = new Map<string, Sample[]>();
  for (const sample of select(samples, name)) {
    const { state: _state, ...rest } = sample.labels;
    const key = Object.values(rest).join(',');
    groups.set(key, [...(groups.get(key) ?? []), sample]);
  }
  const current: Record<string, string> = {};
  for (const [key, group] of groups) current[key] = currentState(name, key, group);
  return current;
}

function currentState(name: string, key: string, group: Sample[]): string {
  const states = group.map((s) => s.labels.state).sort();
  const on = group.filter((s) => s.value === 1);
  const rest = group.filter((s) => s.value !== 1);
  const valid =
    states.join() === 'degraded,healthy,unhealthy' &&
    on.length === 1 &&
    rest.every((s) => s.value === 0);
  if (!valid) throw new Error(`StateSet ${name}{${key}} broken: ${JSON.stringify(group)}`);
  return on[0].labels.state;
}
