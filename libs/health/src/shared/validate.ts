import { HealthConfigurationError } from './errors';

/** The longest delay Node's timers honour (2^31-1 ms); a longer one fires after 1 ms. */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * A whole number of milliseconds from `min` to 2^31-1 (what Node's timers honour): the same rule
 * as the environment's `*_MS` variables.
 */
export function milliseconds(setting: string, value: unknown, min = 0): number {
  if (!Number.isSafeInteger(value) || (value as number) < min || (value as number) > MAX_TIMER_MS) {
    throw new HealthConfigurationError(
      setting,
      value,
      `an integer number of milliseconds from ${min} to ${MAX_TIMER_MS}`,
    );
  }
  return value as number;
}

/** An integer >= min. */
export function integer(setting: string, value: unknown, min: number): number {
  if (!Number.isSafeInteger(value) || (value as number) < min) {
    throw new HealthConfigurationError(setting, value, `an integer >= ${min}`);
  }
  return value as number;
}

/**
 * An integer from `min` to `max`, where `max` is what the health infrastructure's 10 MB memory
 * budget leaves for this setting; `holds` says what it bounds ("the events kept stay").
 */
export function budgetedInteger(
  setting: string,
  value: unknown,
  min: number,
  max: number,
  holds: string,
): number {
  const kept = integer(setting, value, min);
  if (kept > max) {
    throw new HealthConfigurationError(
      setting,
      value,
      `an integer from ${min} to ${max}: ${holds} within the 10 MB memory budget of the health infrastructure`,
    );
  }
  return kept;
}

/** An absolute http(s) URL with a host. */
export function isHttpUrl(value: unknown): value is string {
  return typeof value === 'string' && /^https?:\/\/[^/\s]+/.test(value) && URL.canParse(value);
}

/** A list of secret values (strings or undefined); anything else is refused without showing it. */
export function secretList(setting: string, value: unknown): (string | undefined)[] {
  if (value === undefined) return [];
  const valid =
    Array.isArray(value) && value.every((v) => v === undefined || typeof v === 'string');
  if (!valid) throw new HealthConfigurationError(setting, '***', 'an array of strings');
  return value as (string | undefined)[];
}

/** Throws naming the first key that is not one of `keys`. */
export function knownKeys(
  values: Readonly<Record<string, unknown>>,
  where: string,
  keys: readonly string[],
): void {
  for (const [key, value] of Object.entries(values)) {
    if (!keys.includes(key)) {
      throw new HealthConfigurationError(`${where}.${key}`, value, `one of ${keys.join(', ')}`);
    }
  }
}
