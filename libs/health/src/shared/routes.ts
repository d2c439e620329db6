import type { VERSION_NEUTRAL } from '@nestjs/common';
import { HealthConfigurationError } from './errors';

/** A controller version, as `@Controller({ version })` takes it. */
export type HealthRouteVersion =
  string | typeof VERSION_NEUTRAL | (string | typeof VERSION_NEUTRAL)[];

const PATH = /^[A-Za-z0-9_~.@-]+(\/[A-Za-z0-9_~.@-]+)*$/;

/**
 * A route path as the options give it (`/v1/health/`, `metrics`), without its outer slashes;
 * anything but segments of `A-Z a-z 0-9 _ ~ . @ -` is refused naming `setting`. `fallback` is
 * taken when the option is unset.
 */
export function routePath(
  setting: string,
  given: unknown,
  fallback: string,
  example: string,
): string {
  const value = given === undefined ? fallback : given;
  const path = typeof value === 'string' ? value.replace(/^\/+|\/+$/g, '') : value;
  if (typeof path !== 'string' || !PATH.test(path)) {
    throw new HealthConfigurationError(setting, given, `a URL path such as ${example}`);
  }
  return path;
}
