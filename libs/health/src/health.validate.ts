import { validateFleetOptions } from './core/config-fleet';
import { resolveLogOptions } from './core/transition.log';
import type { HealthModuleOptions } from './health.options';
import { HEALTH_DEFAULTS, milliseconds, resolveHealthOptions } from './health.options';
import { resolveHttpSettings } from './http/http.options';
import { resolveTrendSettings } from './trends/trend.options';

/**
 * Validates module options the way `HealthModule` will when the app starts (the engine's and
 * every consumer's), so an app can stop before Nest starts. Throws the first
 * `HealthConfigurationError`, naming the option and the value.
 */
export function validateHealthOptions(options: HealthModuleOptions): void {
  resolveHealthOptions(options);
  resolveHttpSettings(options);
  resolveTrendSettings(options);
  resolveLogOptions(options);
  if (options.configFleet !== undefined) validateFleetOptions(options.configFleet);
  milliseconds('shutdownDelayMs', options.shutdownDelayMs ?? HEALTH_DEFAULTS.shutdownDelayMs);
  milliseconds('shutdownTimeoutMs', options.shutdownTimeoutMs ?? HEALTH_DEFAULTS.shutdownTimeoutMs);
}
