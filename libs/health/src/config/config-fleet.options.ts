import { HealthConfigurationError } from '../shared/errors';

/** Where a fleet of instances keeps its shared runtime configuration. */
export interface ConfigFleetOptions {
  /** `redis://` or `rediss://` URL of the Redis the instances share. */
  redisUrl: string;
  /**
   * The key holding the configuration, also the channel changes are published on. Services that
   * share one Redis need one key each. Default `health:config`.
   */
  key?: string;
  /** More ioredis connection options (`username`, `password`, `db`, `tls`). */
  connection?: Readonly<Record<string, unknown>>;
}

/** Host, port and database of a Redis URL: never its user name or password. */
export function describeTarget(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname.length > 1 ? parsed.pathname : ''}`;
  } catch {
    return '(unparsable URL)';
  }
}

/** Throws a `HealthConfigurationError` naming the bad `configFleet` option. */
export function validateFleetOptions(fleet: ConfigFleetOptions): void {
  if (fleet === null || typeof fleet !== 'object') {
    throw new HealthConfigurationError('configFleet', fleet, 'an object with redisUrl');
  }
  const url = fleet.redisUrl;
  let protocol: string | undefined;
  try {
    protocol = typeof url === 'string' ? new URL(url).protocol : undefined;
  } catch {
    protocol = undefined;
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') {
    throw new HealthConfigurationError(
      'configFleet.redisUrl',
      typeof url === 'string' ? describeTarget(url) : url,
      'a redis:// or rediss:// URL',
    );
  }
  if (fleet.key !== undefined && (typeof fleet.key !== 'string' || fleet.key.trim() === '')) {
    throw new HealthConfigurationError('configFleet.key', fleet.key, 'a non-empty Redis key');
  }
}
