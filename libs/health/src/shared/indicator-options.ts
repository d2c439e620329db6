import { performance } from 'node:perf_hooks';
import { HealthConfigurationError } from './errors';
import { milliseconds } from './validate';

/** The options of an indicator's constructor: an object, or a `HealthConfigurationError`. */
export function optionsObject<T>(options: T, where: string): T {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new HealthConfigurationError(`${where} options`, options, 'an object');
  }
  return options;
}

/** A host name or IP address: 1 to 253 characters, no space, no slash, no `@`. */
export function hostOption(where: string, value: unknown): string {
  if (typeof value !== 'string' || !/^[^\s/@]{1,253}$/.test(value)) {
    throw new HealthConfigurationError(where, value, 'a host name or IP address');
  }
  return value;
}

/** A TCP port, 1 to 65535. */
export function portOption(where: string, value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > 65535) {
    throw new HealthConfigurationError(where, value, 'an integer port from 1 to 65535');
  }
  return value as number;
}

/** Milliseconds with a default; `min` as `milliseconds` takes it. */
export function msOption(where: string, value: unknown, fallback: number, min = 0): number {
  return milliseconds(where, value ?? fallback, min);
}

/** Milliseconds since `started` (a `performance.now()`), to 0.001 ms. */
export function elapsedMs(started: number): number {
  return Math.round((performance.now() - started) * 1000) / 1000;
}

/** A latency for a message: 0.1 ms below 100 ms, whole ms above. */
export function shownMs(ms: number): number {
  return ms < 100 ? Math.round(ms * 10) / 10 : Math.round(ms);
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** Bytes in binary units, 3 significant digits: `512 MiB`, `1.23 GiB`. */
export function bytesText(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${Number(value.toPrecision(3))} ${UNITS[unit]}`;
}
