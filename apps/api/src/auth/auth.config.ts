import { HealthConfigurationError } from '@nest-health/core';
import type { EnvSource } from '../config/app.config';
import { readString } from '../config/app.config';

const EXPECTED_LIST = 'one or more keys, comma-separated or a JSON array of strings';

/**
 * The service's API keys: `API_KEY` first, then `ADDITIONAL_API_KEYS` (the template's
 * `key1,key2,key3`, or a JSON array of strings). Every key is trimmed, empty entries are dropped,
 * duplicates kept once. None configured: an empty list, and no authentication.
 *
 * `ADDITIONAL_API_KEYS` set to something holding no key (`,,,`, `[]`, a JSON array of anything
 * but strings) throws a `HealthConfigurationError` naming the variable; the value is shown only
 * when it holds no key, so no key reaches an error.
 */
export function apiKeysFromEnv(env: EnvSource): string[] {
  const keys: string[] = [];
  const primary = readString(env, 'API_KEY');
  if (primary !== undefined) keys.push(primary);
  const additional = readString(env, 'ADDITIONAL_API_KEYS');
  if (additional !== undefined) keys.push(...additionalKeys(additional));
  return [...new Set(keys)];
}

function additionalKeys(raw: string): string[] {
  const entries = raw.startsWith('[') ? jsonEntries(raw) : raw.split(',');
  const keys = entries.map((entry) => entry.trim()).filter((entry) => entry !== '');
  if (keys.length === 0) {
    throw new HealthConfigurationError('ADDITIONAL_API_KEYS', raw, EXPECTED_LIST);
  }
  return keys;
}

function jsonEntries(raw: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || !parsed.every((entry) => typeof entry === 'string')) {
    // The value may hold keys: it is not shown.
    throw new HealthConfigurationError('ADDITIONAL_API_KEYS', '***', EXPECTED_LIST);
  }
  return parsed as string[];
}
