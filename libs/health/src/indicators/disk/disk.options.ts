import { HealthConfigurationError } from '../../shared/errors';
import { optionsObject } from '../../shared/indicator-options';
import { validateComponentName } from '../../shared/names';

export interface DiskIndicatorOptions {
  /** A path on the file system to watch; its file system is measured. Default `'/'`. */
  path?: string;
  /** Component name. Default `'disk'`. */
  name?: string;
  /** Free space / size below this is DEGRADED. Default 0.1. */
  freeDegradedRatio?: number;
  /** Free space / size below this is UNHEALTHY. Default 0.05. */
  freeUnhealthyRatio?: number;
  /** Free bytes below this are DEGRADED; 0 (default) turns it off. */
  freeDegradedBytes?: number;
  /** Free bytes below this are UNHEALTHY; 0 (default) turns it off. */
  freeUnhealthyBytes?: number;
}

export type ResolvedDiskOptions = Readonly<Required<DiskIndicatorOptions>>;

export const DISK_DEFAULTS: ResolvedDiskOptions = {
  path: '/',
  name: 'disk',
  freeDegradedRatio: 0.1,
  freeUnhealthyRatio: 0.05,
  freeDegradedBytes: 0,
  freeUnhealthyBytes: 0,
};

const RATIO = 'a ratio from 0 to 1';
const BYTES = 'a whole number of bytes >= 0';

/** The limits, also tunable at runtime (`thresholds` of the check, the file, the admin endpoint). */
export const DISK_THRESHOLD_KEYS = [
  'freeDegradedRatio',
  'freeUnhealthyRatio',
  'freeDegradedBytes',
  'freeUnhealthyBytes',
] as const;

type ThresholdKey = (typeof DISK_THRESHOLD_KEYS)[number];
export type DiskThresholds = Readonly<Record<ThresholdKey, number>>;

/** Defaults, then validation: a bad value throws naming the option and the value. */
export function resolveDiskOptions(options: DiskIndicatorOptions): ResolvedDiskOptions {
  optionsObject(options, 'DiskIndicator');
  const name = validateComponentName(options.name ?? DISK_DEFAULTS.name, 'DiskIndicator.name');
  const path = options.path ?? DISK_DEFAULTS.path;
  if (typeof path !== 'string' || path === '' || path.length > 4096 || path.includes('\0')) {
    throw new HealthConfigurationError('DiskIndicator.path', path, 'a path');
  }
  const given: Partial<Record<ThresholdKey, unknown>> = {};
  for (const key of DISK_THRESHOLD_KEYS) given[key] = options[key] ?? DISK_DEFAULTS[key];
  return { path, name, ...resolveDiskThresholds(given, 'DiskIndicator') };
}

/**
 * The four limits validated together; `where` names them in errors (`DiskIndicator`, or
 * `checks.disk.thresholds` for a runtime change).
 */
export function resolveDiskThresholds(
  values: Partial<Record<ThresholdKey, unknown>>,
  where: string,
): DiskThresholds {
  const ratio = (key: 'freeDegradedRatio' | 'freeUnhealthyRatio') => {
    const value = values[key];
    if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
      throw new HealthConfigurationError(`${where}.${key}`, value, RATIO);
    }
    return value;
  };
  const bytes = (key: 'freeDegradedBytes' | 'freeUnhealthyBytes') => {
    const value = values[key];
    if (!Number.isSafeInteger(value) || (value as number) < 0) {
      throw new HealthConfigurationError(`${where}.${key}`, value, BYTES);
    }
    return value as number;
  };
  const resolved = {
    freeDegradedRatio: ratio('freeDegradedRatio'),
    freeUnhealthyRatio: ratio('freeUnhealthyRatio'),
    freeDegradedBytes: bytes('freeDegradedBytes'),
    freeUnhealthyBytes: bytes('freeUnhealthyBytes'),
  };
  ordered(where, resolved.freeUnhealthyRatio, resolved.freeDegradedRatio, 'Ratio');
  if (resolved.freeDegradedBytes > 0) {
    ordered(where, resolved.freeUnhealthyBytes, resolved.freeDegradedBytes, 'Bytes');
  }
  return resolved;
}

/** The unhealthy limit lies at or below the degraded one: less free space is worse. */
function ordered(
  where: string,
  unhealthy: number,
  degraded: number,
  unit: 'Ratio' | 'Bytes',
): void {
  if (unhealthy > degraded) {
    throw new HealthConfigurationError(
      `${where}.freeUnhealthy${unit}`,
      unhealthy,
      `a value <= ${where}.freeDegraded${unit} (${degraded})`,
    );
  }
}
