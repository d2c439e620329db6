import { HealthConfigurationError } from '../../shared/errors';

export interface RuntimeIndicatorOptions {
  /** Event loop delay p99 above this is DEGRADED. Default 100. */
  eventLoopDelayDegradedMs?: number;
  /** Event loop delay p99 above this is UNHEALTHY. Default 500. */
  eventLoopDelayUnhealthyMs?: number;
  /** V8 heap used / heap limit above this is DEGRADED. Default 0.85. */
  heapUsedDegradedRatio?: number;
  /** V8 heap used / heap limit above this is UNHEALTHY. Default 0.95. */
  heapUsedUnhealthyRatio?: number;
  /** Resident set size (the whole process in memory) above this many bytes is DEGRADED; 0 (default) turns it off. */
  rssDegradedBytes?: number;
  /** RSS above this many bytes is UNHEALTHY; 0 (default) turns it off. */
  rssUnhealthyBytes?: number;
  /** Sampling interval of the event loop delay histogram, integer ms. Default 10. */
  resolutionMs?: number;
}

export type ResolvedRuntimeOptions = Readonly<Required<RuntimeIndicatorOptions>>;

export const RUNTIME_DEFAULTS: ResolvedRuntimeOptions = {
  eventLoopDelayDegradedMs: 100,
  eventLoopDelayUnhealthyMs: 500,
  heapUsedDegradedRatio: 0.85,
  heapUsedUnhealthyRatio: 0.95,
  rssDegradedBytes: 0,
  rssUnhealthyBytes: 0,
  resolutionMs: 10,
};

type Key = keyof RuntimeIndicatorOptions;

const RULES: Record<Key, { valid: (n: number) => boolean; expected: string }> = {
  eventLoopDelayDegradedMs: { valid: (n) => n > 0, expected: 'a number of ms > 0' },
  eventLoopDelayUnhealthyMs: { valid: (n) => n > 0, expected: 'a number of ms > 0' },
  heapUsedDegradedRatio: { valid: (n) => n > 0 && n <= 1, expected: 'a ratio > 0 and <= 1' },
  heapUsedUnhealthyRatio: { valid: (n) => n > 0 && n <= 1, expected: 'a ratio > 0 and <= 1' },
  rssDegradedBytes: { valid: isBytes, expected: 'a whole number of bytes >= 0 (0: off)' },
  rssUnhealthyBytes: { valid: isBytes, expected: 'a whole number of bytes >= 0 (0: off)' },
  resolutionMs: { valid: (n) => Number.isInteger(n) && n >= 1, expected: 'an integer of ms >= 1' },
};

/** Defaults, then validation: a bad value throws naming the option and the value. */
export function resolveRuntimeOptions(options: RuntimeIndicatorOptions): ResolvedRuntimeOptions {
  if (options === null || typeof options !== 'object') {
    throw new HealthConfigurationError('RuntimeIndicator options', options, 'an object');
  }
  const resolved = { ...RUNTIME_DEFAULTS };
  for (const key of Object.keys(RULES) as Key[]) {
    const value = options[key] ?? RUNTIME_DEFAULTS[key];
    const { valid, expected } = RULES[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || !valid(value)) {
      throw new HealthConfigurationError(`runtime.${key}`, value, expected);
    }
    resolved[key] = value;
  }
  ordered(resolved, 'eventLoopDelayDegradedMs', 'eventLoopDelayUnhealthyMs');
  ordered(resolved, 'heapUsedDegradedRatio', 'heapUsedUnhealthyRatio');
  if (resolved.rssDegradedBytes > 0 && resolved.rssUnhealthyBytes > 0) {
    ordered(resolved, 'rssDegradedBytes', 'rssUnhealthyBytes');
  }
  return resolved;
}

function ordered(options: ResolvedRuntimeOptions, degraded: Key, unhealthy: Key): void {
  if (options[degraded] > options[unhealthy]) {
    throw new HealthConfigurationError(
      `runtime.${degraded}`,
      options[degraded],
      `a value <= runtime.${unhealthy} (${options[unhealthy]})`,
    );
  }
}

function isBytes(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}
