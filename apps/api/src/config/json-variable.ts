import { HealthConfigurationError } from '@nest-health/core';
import type { EnvSource } from './app.config';
import { readString } from './app.config';

/** A variable holding a JSON object (the template's `*_CUSTOM_CONFIG`), read and bounded. */
export interface JsonObjectVariable {
  readonly object: Record<string, unknown>;
  /** The error for this variable, naming what was expected (never quoting more than its rule). */
  readonly fail: (expected: string) => HealthConfigurationError;
}

/**
 * `name`'s value parsed as a JSON object, or undefined when it is unset. Longer than `maxLength`
 * characters (checked before parsing), not JSON, or JSON of another kind: `HealthConfigurationError`
 * naming the variable. The object's keys come from outside: look them up with `Object.hasOwn`
 * against an allow-list, never merge them into another object.
 */
export function jsonObjectFromEnv(
  env: EnvSource,
  name: string,
  maxLength: number,
): JsonObjectVariable | undefined {
  const raw = readString(env, name);
  if (raw === undefined) return undefined;
  const fail = (expected: string) => new HealthConfigurationError(name, raw, expected);
  if (raw.length > maxLength) throw fail(`a JSON object of at most ${maxLength} characters`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw fail('a JSON object');
  }
  if (!isPlainObject(parsed)) throw fail('a JSON object');
  return { object: parsed, fail };
}

/** A JSON object: not null, not an array. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
