import type { HealthEnv } from '../shared/env';
import { envGetter, envReader, envSecretList } from '../shared/env';
import { adminKeysApart } from '../shared/access-secret';
import { HealthConfigurationError } from '../shared/errors';
import type { ConfigFleetOptions } from './config-fleet.options';
import { validateFleetOptions } from './config-fleet.options';
import type { HealthConfigModuleOptions } from './config.options';

/**
 * `HealthConfigModule`'s options from `HEALTH_ADMIN_KEYS` (a comma list or a JSON array, held to
 * the access-secret rule; none may also be in `HEALTH_DETAILS_KEYS`), `HEALTH_CONFIG_FILE`,
 * `HEALTH_CONFIG_REDIS_URL` and `HEALTH_CONFIG_REDIS_KEY`. Unset or empty variables are unset; a
 * bad value throws a `HealthConfigurationError` naming the variable (a key's value never).
 */
export function healthConfigOptionsFromEnv(env: HealthEnv): HealthConfigModuleOptions {
  const read = envReader(env);
  const raw = envGetter(env);
  const adminKeys = envSecretList('HEALTH_ADMIN_KEYS', raw('HEALTH_ADMIN_KEYS'));
  const detailsKeys = envSecretList('HEALTH_DETAILS_KEYS', raw('HEALTH_DETAILS_KEYS'));
  adminKeysApart('HEALTH_ADMIN_KEYS', adminKeys ?? [], 'HEALTH_DETAILS_KEYS', detailsKeys ?? []);
  const fleetUrl = read('HEALTH_CONFIG_REDIS_URL') || undefined;
  const fleetKey = read('HEALTH_CONFIG_REDIS_KEY') || undefined;
  const configFleet = fleetUrl
    ? { redisUrl: fleetUrl, ...(fleetKey ? { key: fleetKey } : {}) }
    : undefined;
  if (configFleet) fleetFromEnv(configFleet);
  return { adminKeys, configFile: read('HEALTH_CONFIG_FILE') || undefined, configFleet };
}

/** Validates the fleet's options, naming the variable of the bad one (never the URL's password). */
function fleetFromEnv(fleet: ConfigFleetOptions): void {
  try {
    validateFleetOptions(fleet);
  } catch (error) {
    if (!(error instanceof HealthConfigurationError)) throw error;
    const variable =
      error.setting === 'configFleet.key' ? 'HEALTH_CONFIG_REDIS_KEY' : 'HEALTH_CONFIG_REDIS_URL';
    throw new HealthConfigurationError(variable, error.value, error.expected);
  }
}
