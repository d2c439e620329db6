/** The real timer and clock, taken before a test can install fake ones: polling is in real time. */
const realSetTimeout = globalThis.setTimeout;
const realNow = performance.now.bind(performance);
const sleep = (ms: number) => new Promise<void>((resolve) => realSetTimeout(resolve, ms));

/** The values `if` takes for no. */
type Falsy = false | 0 | 0n | '' | null | undefined;

export interface EventuallyOptions {
  /** How long to keep asking, in ms (10 s unless told). At least one ask is always made. */
  timeoutMs?: number;
  /** The pause between two asks, in ms (50 unless told). */
  intervalMs?: number;
  /** What is awaited, for the failure message; a function is read only on failure. */
  message?: string | (() => string);
}

export interface EventuallyUntilOptions<T> extends EventuallyOptions {
  /** When the value asked for is not itself the verdict: done once `until(value)` holds. */
  until: (value: T) => boolean;
}

/**
 * Asks `condition` until its answer is truthy (or, with `until`, until `until(answer)` holds),
 * and resolves with that answer. Past `timeoutMs` it fails, saying what was awaited and the last
 * answer seen. An error thrown by `condition` fails at once: a condition answers, it never throws
 * to mean "not yet".
 */
export async function eventually<T>(
  condition: () => T | Promise<T>,
  options: EventuallyUntilOptions<T>,
): Promise<T>;
export async function eventually<T>(
  condition: () => T | Promise<T>,
  options?: EventuallyOptions,
): Promise<Exclude<T, Falsy>>;
export async function eventually<T>(
  condition: () => T | Promise<T>,
  options: EventuallyOptions & { until?: (value: T) => boolean } = {},
): Promise<T> {
  const { timeoutMs = 10_000, intervalMs = 50, until = Boolean } = options;
  const deadline = realNow() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (until(value)) return value;
    if (realNow() >= deadline) throw new Error(failure(options.message, timeoutMs, value));
    await sleep(Math.max(0, Math.min(intervalMs, deadline - realNow())));
  }
}

function failure(
  message: string | (() => string) | undefined,
  timeoutMs: number,
  last: unknown,
): string {
  const what = typeof message === 'function' ? message() : (message ?? 'a condition to hold');
  return `timed out after ${timeoutMs} ms waiting for ${what}; last value seen: ${shown(last)}`;
}

/** The last value, as JSON where it can be, cut to 2000 characters. */
function shown(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value); // a cycle, or a BigInt
  }
  return text.length > 2000 ? `${text.slice(0, 2000)}… (${text.length} characters)` : text;
}
