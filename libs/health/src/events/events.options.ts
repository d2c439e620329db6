import { HealthConfigurationError } from '../shared/errors';
import { budgetedInteger, integer, milliseconds } from '../shared/validate';

/** Bounds of `GET <base>/events`; every value has a default. */
export interface HealthEventsOptions {
  /** Clients connected at once; one more gets 503 with `Retry-After`. Default 1000. */
  maxClients?: number;
  /**
   * Clients connected at once from one address (the socket's; an IPv6 address by its /64), from 1
   * to `maxClients`; one more gets 429 with `Retry-After`. Default 20 (or `maxClients`, if lower):
   * a person's tabs and dashboards, or a small office behind one NAT address, while one address
   * alone can no longer take every place. Behind a proxy every client has the proxy's address.
   */
  maxClientsPerAddress?: number;
  /** A comment line to every client this often, so proxies keep the stream open. Default 15000. */
  heartbeatMs?: number;
  /** Events kept for a client that reconnects with `Last-Event-ID`. Default 100. */
  replay?: number;
  /**
   * Bytes a client may leave unread in the process (past the kernel's socket buffers) before
   * it is dropped: a slow client is disconnected, never buffered for without limit. Default 65536.
   */
  maxBufferedBytes?: number;
  /**
   * At most one report event per this many ms; a report that carries a status change is sent at
   * once, and the latest one held back is sent when the time is up. Default 1000.
   */
  reportIntervalMs?: number;
  /** The reconnection delay the stream suggests to clients (`retry:`). Default 3000. */
  retryMs?: number;
}

export type ResolvedEventsSettings = Required<HealthEventsOptions>;

export const EVENTS_DEFAULTS: ResolvedEventsSettings = {
  maxClients: 1000,
  maxClientsPerAddress: 20,
  heartbeatMs: 15_000,
  replay: 100,
  maxBufferedBytes: 65_536,
  reportIntervalMs: 1000,
  retryMs: 3000,
};

/** The most events kept for replay: what the 10 MB memory budget of the infrastructure allows. */
export const MAX_REPLAY = 1000;

const KEYS = Object.keys(EVENTS_DEFAULTS) as (keyof HealthEventsOptions)[];

/** The event stream's settings from `events` of the module options, validated. */
export function resolveEventsSettings(options: HealthEventsOptions = {}): ResolvedEventsSettings {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new HealthConfigurationError('events', options, `an object of ${KEYS.join(', ')}`);
  }
  for (const key of Object.keys(options)) {
    if (!(KEYS as string[]).includes(key)) {
      throw new HealthConfigurationError(`events.${key}`, key, `one of ${KEYS.join(', ')}`);
    }
  }
  const value = <K extends keyof HealthEventsOptions>(key: K) =>
    options[key] ?? EVENTS_DEFAULTS[key];
  const maxClients = integer('events.maxClients', value('maxClients'), 1);
  return {
    maxClients,
    maxClientsPerAddress: perAddress(options.maxClientsPerAddress, maxClients),
    heartbeatMs: milliseconds('events.heartbeatMs', value('heartbeatMs'), 1000),
    replay: budgetedInteger(
      'events.replay',
      value('replay'),
      0,
      MAX_REPLAY,
      'the events kept stay',
    ),
    maxBufferedBytes: integer('events.maxBufferedBytes', value('maxBufferedBytes'), 1024),
    reportIntervalMs: milliseconds('events.reportIntervalMs', value('reportIntervalMs'), 0),
    retryMs: milliseconds('events.retryMs', value('retryMs'), 100),
  };
}

/** From 1 to `maxClients`; unset, the default or `maxClients` when that is lower. */
function perAddress(given: unknown, maxClients: number): number {
  if (given === undefined || given === null)
    return Math.min(EVENTS_DEFAULTS.maxClientsPerAddress, maxClients);
  if (!Number.isSafeInteger(given) || (given as number) < 1 || (given as number) > maxClients) {
    throw new HealthConfigurationError(
      'events.maxClientsPerAddress',
      given,
      `an integer from 1 to ${maxClients} (events.maxClients)`,
    );
  }
  return given as number;
}
