import { accessSecretList } from '../shared/access-secret';
import { HealthConfigurationError } from '../shared/errors';
import { milliseconds } from '../shared/validate';
import type { ConfigFleetOptions } from './config-fleet.options';
import { validateFleetOptions } from './config-fleet.options';

/** What `HealthConfigModule.forRoot()` takes: who may change the configuration, and from where. */
export interface HealthConfigModuleOptions {
  /**
   * Keys that may read and change the configuration (`GET|PATCH|DELETE <base>/config`), each at
   * least 16 characters of `A-Z a-z 0-9 - . _ ~ + /` (then optional `=`); none may be a details
   * key. None: the endpoint answers 404.
   */
  adminKeys?: readonly (string | undefined)[];
  /**
   * A JSON (or `.yaml`/`.yml`) file of `{ defaults, checks }` (the admin endpoint's shape) read
   * at startup and again when it changes; its values sit under runtime changes and over options
   * and environment.
   */
  configFile?: string;
  /** How often the configuration file is looked at, in ms. Default 1000. */
  configFileIntervalMs?: number;
  /**
   * A Redis shared by the instances of this service: admin changes are stored there and applied
   * by every instance; an instance that starts later loads them. Needs the optional peer
   * `ioredis`. Unset: the admin endpoint changes this instance only.
   */
  configFleet?: ConfigFleetOptions;
}

/** DI token of the resolved settings of `HealthConfigModule`. */
export const CONFIG_SETTINGS = Symbol('HEALTH_CONFIG_SETTINGS');

export interface ResolvedConfigSettings {
  /** Never shown, never logged. */
  adminKeys: readonly string[];
  configFile?: string;
  configFileIntervalMs: number;
  configFleet?: ConfigFleetOptions;
}

/** How often the file's modification time is looked at, in ms, by default. */
export const CONFIG_FILE_INTERVAL_MS = 1000;

/** The settings of `HealthConfigModule`, validated; throws naming the first bad one. */
export function resolveConfigSettings(
  options: HealthConfigModuleOptions = {},
): ResolvedConfigSettings {
  if (options === null || typeof options !== 'object') {
    throw new HealthConfigurationError('HealthConfigModule options', typeof options, 'an object');
  }
  const path = options.configFile;
  if (path !== undefined && (typeof path !== 'string' || path.trim() === '')) {
    throw new HealthConfigurationError('configFile', path, 'a file path');
  }
  if (options.configFleet !== undefined) validateFleetOptions(options.configFleet);
  return {
    adminKeys: accessSecretList('adminKeys', options.adminKeys),
    configFile: path?.trim(),
    configFileIntervalMs: milliseconds(
      'configFileIntervalMs',
      options.configFileIntervalMs ?? CONFIG_FILE_INTERVAL_MS,
      1,
    ),
    configFleet: options.configFleet,
  };
}
