import { HealthConfigurationError } from './errors';

/**
 * The one rule for every secret that grants access (details keys, admin keys, the metrics
 * token): RFC 6750's b64token, what `Authorization: Bearer` carries (and `X-API-Key` alike), at
 * least 16 characters before any `=` padding. `openssl rand -hex 32` and `-base64 32` fit.
 */
export const ACCESS_SECRET_MIN_LENGTH = 16;

const ACCESS_SECRET = new RegExp(`^[A-Za-z0-9\\-._~+/]{${ACCESS_SECRET_MIN_LENGTH},}=*$`);

export const ACCESS_SECRET_EXPECTED = `a secret of at least ${ACCESS_SECRET_MIN_LENGTH} characters: letters, digits, - . _ ~ + / (then optional =)`;

/** What a set but blank value (only whitespace or commas) is told. */
export const BLANK_SECRET_EXPECTED =
  'one or more secrets, not a blank value (leave it unset or empty for none)';

/** Whether a value follows the rule. */
export function isAccessSecret(value: unknown): value is string {
  return typeof value === 'string' && ACCESS_SECRET.test(value);
}

/** The value when it follows the rule; otherwise an error naming the setting, never the value. */
export function accessSecret(setting: string, value: unknown): string {
  if (!isAccessSecret(value)) {
    throw new HealthConfigurationError(setting, '***', ACCESS_SECRET_EXPECTED);
  }
  return value;
}

/**
 * Keys given as an option: each trimmed and held to the rule. `undefined` and `''` entries are
 * not set and dropped (`[process.env.KEY]`); a blank entry (only whitespace) is refused, as is
 * anything but a list of strings. Nothing is ever shown.
 */
export function accessSecretList(setting: string, keys: unknown): string[] {
  if (keys === undefined) return [];
  if (!Array.isArray(keys)) throw new HealthConfigurationError(setting, '***', 'an array of keys');
  const given: unknown[] = keys.filter((k: unknown) => k !== undefined && k !== '');
  return given.map((key) => {
    if (typeof key !== 'string') {
      throw new HealthConfigurationError(setting, '***', 'an array of keys');
    }
    if (key.trim() === '')
      throw new HealthConfigurationError(setting, '***', BLANK_SECRET_EXPECTED);
    return accessSecret(setting, key.trim());
  });
}

/**
 * An admin key may not also be a details key: one key, one kind of access. Names both settings,
 * never the key.
 */
export function adminKeysApart(
  adminSetting: string,
  adminKeys: readonly string[],
  detailsSetting: string,
  detailsKeys: readonly string[],
): void {
  if (adminKeys.some((key) => detailsKeys.includes(key))) {
    throw new HealthConfigurationError(adminSetting, '***', adminKeyClash(detailsSetting));
  }
}

/** The expectation an admin key equal to one of `detailsSetting`'s keys breaks. */
export function adminKeyClash(detailsSetting: string): string {
  return `keys other than those of ${detailsSetting}: an admin key may not be a details key`;
}
