import { HealthConfigurationError } from '@nest-health/core';

export const DEFAULT_PORT = 8000;
export const DEFAULT_AI_MODEL = 'gemini-2.0-flash-exp';

/** Reads variables from a ConfigService or a plain record such as `process.env`. */
export type EnvSource =
  { get(key: string): unknown } | Readonly<Record<string, string | undefined>>;

export function readString(env: EnvSource, name: string): string | undefined {
  const raw =
    typeof env.get === 'function' ? env.get(name) : (env as Record<string, unknown>)[name];
  if (raw === undefined || raw === null) return undefined;
  const value = String(raw).trim();
  return value === '' ? undefined : value;
}

/** The largest value Node's timers honour: every millisecond setting stays at or below it. */
export const MAX_INTEGER_SETTING = 2_147_483_647;

/**
 * An integer variable from `min` to 2^31-1 (a longer delay fires at once in Node's timers), or
 * the default when unset; anything else names the variable.
 */
export function readInteger(env: EnvSource, name: string, fallback: number, min: number): number {
  const raw = readString(env, name);
  if (raw === undefined) return fallback;
  const value = /^-?\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > MAX_INTEGER_SETTING) {
    throw new HealthConfigurationError(
      name,
      raw,
      `an integer from ${min} to ${MAX_INTEGER_SETTING}`,
    );
  }
  return value;
}

/** A number in (0, 1], or the default when unset. */
export function readRatio(env: EnvSource, name: string, fallback: number): number {
  const raw = readString(env, name);
  if (raw === undefined) return fallback;
  const value = /^\d*\.?\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(value > 0 && value <= 1))
    throw new HealthConfigurationError(name, raw, 'a number in (0, 1]');
  return value;
}

/** `true`/`false` (also `1`/`0`, `yes`/`no`, any case), or the default when unset. */
export function readBoolean(env: EnvSource, name: string, fallback: boolean): boolean {
  const raw = readString(env, name);
  if (raw === undefined) return fallback;
  if (/^(true|1|yes)$/i.test(raw)) return true;
  if (/^(false|0|no)$/i.test(raw)) return false;
  throw new HealthConfigurationError(name, raw, 'true or false');
}

/** `PORT`: an integer from 0 to 65535 (0 lets the OS pick), default 8000. */
export function parsePort(raw: string | undefined): number {
  const invalid = () => new HealthConfigurationError('PORT', raw, 'an integer from 0 to 65535');
  let port: number;
  try {
    port = readInteger({ PORT: raw }, 'PORT', DEFAULT_PORT, 0);
  } catch {
    throw invalid();
  }
  if (port > 65535) throw invalid();
  return port;
}

/** An absolute http(s) URL with a host. */
export function isHttpUrl(value: unknown): value is string {
  return typeof value === 'string' && /^https?:\/\/[^/\s]+/.test(value) && URL.canParse(value);
}
