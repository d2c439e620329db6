import { resolveEngineOptions } from './core/engine.options';
import { SHUTDOWN_DEFAULTS } from './core/graceful-shutdown';
import { resolveLogOptions } from './core/transition.log';
import { resolveEventsSettings } from './events/events.options';
import type { HealthModuleOptions } from './health.options';
import { resolveHttpSettings } from './http/http.options';
import { milliseconds } from './shared/validate';
import { resolveTrendSettings } from './trends/trend.options';

/**
 * Validates module options the way `HealthModule` will when the app starts (the engine's and
 * every part's), so an app can stop before Nest starts. Throws the first
 * `HealthConfigurationError`, naming the option and the value.
 */
export function validateHealthOptions(options: HealthModuleOptions): void {
  const engine = resolveEngineOptions(options);
  resolveHttpSettings(options);
  resolveTrendSettings(options.trends, engine.evaluationIntervalMs);
  resolveEventsSettings(options.events);
  resolveLogOptions(options);
  milliseconds('shutdownDelayMs', options.shutdownDelayMs ?? SHUTDOWN_DEFAULTS.shutdownDelayMs);
  milliseconds(
    'shutdownTimeoutMs',
    options.shutdownTimeoutMs ?? SHUTDOWN_DEFAULTS.shutdownTimeoutMs,
  );
}
