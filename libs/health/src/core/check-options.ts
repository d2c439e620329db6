import { HealthConfigurationError } from '../shared/errors';
import { validateComponentName } from '../shared/names';
import { integer, milliseconds } from '../shared/validate';
import type { HealthCheckDefinition, HealthCheckOptions } from './health-check';
import { CHECK_MODES } from './health-check';
import { isHealthStatus } from './health-status';

/** At most this many tags per check, each 1 to 64 of `A-Z a-z 0-9 _ . : / -`. */
export const MAX_TAGS = 32;

const TAG = /^[A-Za-z0-9_.:/-]{1,64}$/;

/** At most this many thresholds per check, each named like a JavaScript identifier. */
export const MAX_THRESHOLDS = 32;

export const THRESHOLD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

const flag = (where: string, value: unknown): void => {
  if (typeof value !== 'boolean') throw new HealthConfigurationError(where, value, 'true or false');
};

/**
 * How each per-check option is validated, by key: the one rule for options in code, the
 * environment, the configuration file, the admin endpoint and the fleet.
 */
export const CHECK_OPTION_RULES: Readonly<
  Record<Exclude<keyof HealthCheckOptions, 'thresholds'>, (where: string, value: unknown) => void>
> = {
  timeoutMs: (where, value) => milliseconds(where, value, 1),
  retries: (where, value) => integer(where, value, 0),
  cacheTtlMs: (where, value) => milliseconds(where, value),
  failureCacheTtlMs: (where, value) => milliseconds(where, value),
  degradedAboveMs: (where, value) => milliseconds(where, value),
  failuresBeforeUnhealthy: (where, value) => integer(where, value, 1),
  successesBeforeHealthy: (where, value) => integer(where, value, 1),
  mode: (where, value) => {
    if (!(CHECK_MODES as readonly unknown[]).includes(value)) {
      throw new HealthConfigurationError(where, value, 'active or shadow');
    }
  },
  timeoutStatus: (where, value) => {
    if (!isHealthStatus(value)) {
      throw new HealthConfigurationError(where, value, 'healthy, degraded or unhealthy');
    }
  },
  critical: flag,
  abortable: flag,
  enabled: flag,
  tags: (where, value) => {
    const valid =
      Array.isArray(value) &&
      value.length <= MAX_TAGS &&
      // Array.from: a hole in a sparse array is a missing tag, which every() would skip.
      Array.from(value as unknown[]).every((tag) => typeof tag === 'string' && TAG.test(tag));
    if (!valid) {
      throw new HealthConfigurationError(
        where,
        value,
        `an array of at most ${MAX_TAGS} tags of 1 to 64 characters A-Z a-z 0-9 _ . : / -`,
      );
    }
  },
};

/** Validates a threshold's name: like `minHitRatio`. */
export function validateThresholdName(where: string, name: string): void {
  if (!THRESHOLD_NAME.test(name)) {
    throw new HealthConfigurationError(where, name, 'threshold names like minHitRatio');
  }
}

/** Validates one threshold: a finite number under a name like `minHitRatio`. */
export function validateThreshold(where: string, name: string, value: unknown): void {
  validateThresholdName(where, name);
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new HealthConfigurationError(`${where}.${name}`, value, 'a number');
  }
}

/** Validates the options a check carries; `where` names it in errors. */
export function validateCheckOptions(options: HealthCheckOptions | undefined, where: string): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object') {
    throw new HealthConfigurationError(where, options, 'an object of check options');
  }
  for (const [key, rule] of Object.entries(CHECK_OPTION_RULES)) {
    const value = (options as Record<string, unknown>)[key];
    if (value !== undefined) rule(`${where}.${key}`, value);
  }
  if (options.thresholds !== undefined) {
    const thresholds: unknown = options.thresholds;
    if (thresholds === null || typeof thresholds !== 'object' || Array.isArray(thresholds)) {
      throw new HealthConfigurationError(
        `${where}.thresholds`,
        thresholds,
        'an object of numbers by name',
      );
    }
    const entries = Object.entries(thresholds);
    if (entries.length > MAX_THRESHOLDS) {
      throw new HealthConfigurationError(
        `${where}.thresholds`,
        thresholds,
        `at most ${MAX_THRESHOLDS} thresholds`,
      );
    }
    for (const [name, value] of entries) validateThreshold(`${where}.thresholds`, name, value);
  }
}

export function validateDefinition(definition: HealthCheckDefinition, where: string): void {
  if (definition === null || typeof definition !== 'object') {
    throw new HealthConfigurationError(where, definition, 'an object with name and check()');
  }
  validateComponentName(definition.name, `${where}.name`);
  if (typeof definition.check !== 'function') {
    throw new HealthConfigurationError(`${where}.check`, definition.check, 'a function');
  }
  validateCheckOptions(definition, where);
}
