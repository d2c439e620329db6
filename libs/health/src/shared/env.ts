import { accessSecret, BLANK_SECRET_EXPECTED } from './access-secret';
import { HealthConfigurationError } from './errors';
import { MAX_TIMER_MS } from './validate';

/** Where variables are read from: `process.env`, a `ConfigService`, or any getter. */
export type HealthEnv =
  | Readonly<Record<string, string | undefined>>
  | { get(key: string): unknown }
  | ((key: string) => string | undefined);

/** A getter over any `HealthEnv`: values trimmed, null and undefined as unset. */
export function envReader(env: HealthEnv): (key: string) => string | undefined {
  const get = envGetter(env);
  return (key) => get(key)?.trim();
}

/** A getter over any `HealthEnv`, values as written (untrimmed): null and undefined as unset. */
export function envGetter(env: HealthEnv): (key: string) => string | undefined {
  const get =
    typeof env === 'function'
      ? env
      : typeof env.get === 'function'
        ? (key: string) => (env as { get(key: string): unknown }).get(key)
        : (key: string) => (env as Record<string, unknown>)[key];
  return (key) => {
    const value = get(key);
    return value === undefined || value === null ? undefined : String(value);
  };
}

/** `true`/`false` (also `1`/`0`, `yes`/`no`, any case); unset or empty: undefined. */
export function envBoolean(variable: string, raw: string | undefined): boolean | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (/^(true|1|yes)$/i.test(raw)) return true;
  if (/^(false|0|no)$/i.test(raw)) return false;
  throw new HealthConfigurationError(variable, raw, 'true or false');
}

/** An integer variable from `min` to `max`; unset or empty: undefined. */
export function envInteger(
  variable: string,
  raw: string | undefined,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
  expected = `an integer >= ${min}`,
): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const value = /^-?\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new HealthConfigurationError(variable, raw, expected);
  }
  return value;
}

/** Milliseconds from `min` to 2^31-1 (Node's timers fire at once past that); unset: undefined. */
export function envMilliseconds(
  variable: string,
  raw: string | undefined,
  min: number,
): number | undefined {
  const expected = `an integer number of milliseconds from ${min} to ${MAX_TIMER_MS}`;
  return envInteger(variable, raw, min, MAX_TIMER_MS, expected);
}

const LIST_EXPECTED = 'a JSON array of strings or comma-separated values';

/**
 * A list as comma-separated values or a JSON array of strings (`["a", "b"]`); unset or empty:
 * undefined; a list with no item in it is an error.
 */
export function envList(variable: string, raw: string | undefined): string[] | undefined {
  if (raw === undefined || raw === '') return undefined;
  const items = listItems(raw);
  if (items === undefined) throw new HealthConfigurationError(variable, raw, LIST_EXPECTED);
  if (items.length === 0) {
    throw new HealthConfigurationError(
      variable,
      raw,
      'at least one value (leave it unset for the default)',
    );
  }
  return items;
}

/**
 * Access secrets (keys, tokens) from a variable as written, untrimmed: comma-separated or a JSON
 * array of strings, each held to the access-secret rule. Unset or `''`: undefined. Set but blank
 * (only whitespace or commas, `[]`): an error, not "unset", so a secret meant to be set is never
 * silently left open. Errors name the variable and never show the value.
 */
export function envSecretList(variable: string, raw: string | undefined): string[] | undefined {
  if (raw === undefined || raw === '') return undefined;
  const items = listItems(raw.trim());
  if (items === undefined) throw new HealthConfigurationError(variable, '***', LIST_EXPECTED);
  if (items.length === 0) {
    throw new HealthConfigurationError(variable, '***', BLANK_SECRET_EXPECTED);
  }
  return items.map((item) => accessSecret(variable, item));
}

/** The trimmed, non-empty, distinct items of a list; undefined when it is not one. */
function listItems(raw: string): string[] | undefined {
  let items: unknown = raw.split(',');
  if (raw.startsWith('[')) {
    try {
      items = JSON.parse(raw);
    } catch {
      return undefined;
    }
    if (!Array.isArray(items) || !items.every((i) => typeof i === 'string')) return undefined;
  }
  const values = (items as string[]).map((i) => i.trim()).filter((i) => i !== '');
  return [...new Set(values)];
}

/** The password of a URL (as written and decoded), to be masked wherever text is shown. */
export function urlPassword(url: string | undefined): string[] {
  if (!url) return [];
  try {
    const { password } = new URL(url);
    return password ? [password, decodeURIComponent(password)] : [];
  } catch {
    return [];
  }
}
