import { HealthConfigurationError } from '../shared/errors';

/**
 * DI token of delivery internals that module options do not cover: the retry backoff and the
 * `fetch` requests go through. Tests override it to keep backoff delays short.
 */
export const HEALTH_WEBHOOK_TUNING = Symbol('HEALTH_WEBHOOK_TUNING');

export interface WebhookTuning {
  /** First retry delay in ms (cockatiel's `ExponentialBackoff` `initialDelay`). Default 1000. */
  initialDelayMs?: number;
  /** Longest retry delay in ms. Default 30000. */
  maxDelayMs?: number;
  /** Sends the requests. Default: the global `fetch`. */
  fetch?: typeof fetch;
}

export const WEBHOOK_TUNING_DEFAULTS = { initialDelayMs: 1000, maxDelayMs: 30_000 } as const;

export function resolveTuning(tuning: WebhookTuning = {}): Required<WebhookTuning> {
  const initialDelayMs = delay('initialDelayMs', tuning.initialDelayMs);
  const maxDelayMs = delay('maxDelayMs', tuning.maxDelayMs);
  return {
    initialDelayMs,
    maxDelayMs: Math.max(initialDelayMs, maxDelayMs),
    fetch: tuning.fetch ?? ((input, init) => fetch(input, init)),
  };
}

function delay(key: keyof typeof WEBHOOK_TUNING_DEFAULTS, value: number | undefined): number {
  const ms = value ?? WEBHOOK_TUNING_DEFAULTS[key];
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
    throw new HealthConfigurationError(`webhook tuning ${key}`, ms, 'a number of ms >= 0');
  }
  return ms;
}
