import type { HealthEngineOptions } from './core/engine.options';
import { ENGINE_DEFAULTS } from './core/engine.options';
import type { ShutdownOptions } from './core/graceful-shutdown';
import { SHUTDOWN_DEFAULTS } from './core/graceful-shutdown';
import type { TransitionLogOptions } from './core/transition.log';
import type { HealthEventsOptions } from './events/events.options';
import type { HealthHttpOptions } from './http/http.options';
import { HTTP_DEFAULTS } from './http/http.options';
import type { TrendOptions } from './trends/trend.options';

/**
 * Everything `HealthModule.forRoot()` takes (or `forRootAsync`'s factory makes): the engine's
 * settings and those of each part the module serves. Each part reads its own slice.
 */
export interface HealthModuleOptions
  extends HealthEngineOptions, HealthHttpOptions, ShutdownOptions, TransitionLogOptions {
  /** How long trend samples are kept, when trends are recorded (`http.endpoints.trends`). */
  trends?: TrendOptions;
  /** The event stream's bounds, when it is mounted (`http.endpoints.events`). */
  events?: HealthEventsOptions;
}

/** Every default of the module's options. */
export const HEALTH_DEFAULTS = {
  ...ENGINE_DEFAULTS,
  ...SHUTDOWN_DEFAULTS,
  ...HTTP_DEFAULTS,
} as const;
