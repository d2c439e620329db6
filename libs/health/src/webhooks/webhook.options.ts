import { HealthConfigurationError } from '../shared/errors';
import { COMPONENT_NAME_PATTERN } from '../shared/names';
import { budgetedInteger, integer, isHttpUrl, milliseconds } from '../shared/validate';

export const WEBHOOK_DEDUP = ['none', 'redis'] as const;
export type WebhookDedup = (typeof WEBHOOK_DEDUP)[number];

export interface WebhookOptions {
  /** Receivers of status-change events (http or https, no credentials). None: no webhooks. */
  urls?: readonly string[];
  /** HMAC-SHA256 key of `X-Health-Signature`; required when `urls` is set. */
  secret?: string;
  /** Put messages and metadata in the event's `report`. Default false (as for unauthenticated callers). */
  includeDetails?: boolean;
  /** Undelivered events kept per URL; the oldest is dropped (and counted) beyond. Default 1000. */
  queueSize?: number;
  /**
   * Bytes of the undelivered events' bodies kept per URL (a memory bound): beyond, the oldest are
   * dropped (and counted), the newest always kept. Default 262144 (256 KiB), at least 1024.
   */
  queueBytes?: number;
  /** Delivery attempts per event, with exponential backoff. Default 5. */
  maxAttempts?: number;
  /** Timeout of one delivery attempt in ms. Default 5000. */
  attemptTimeoutMs?: number;
  /** A transition is announced once it has held this many evaluations. Default 2. */
  minConsecutive?: number;
  /** A component is announced at most once per this many ms. Default 60000. */
  cooldownMs?: number;
  /** `redis`: instances of one service announce each transition once (needs `redisUrl` and ioredis). */
  dedup?: WebhookDedup;
  redisUrl?: string;
  /**
   * More ioredis connection options for de-duplication (`password`, `username`, `db`, `tls`),
   * for a Redis the URL alone cannot reach (TLS with a private CA, a separate password).
   */
  redisOptions?: Readonly<Record<string, unknown>>;
  /** The `service` field of events, and the de-duplication scope. Default `api`. */
  serviceName?: string;
}

export type ResolvedWebhookOptions = Required<
  Omit<WebhookOptions, 'secret' | 'redisUrl' | 'redisOptions'>
> &
  Pick<WebhookOptions, 'secret' | 'redisUrl' | 'redisOptions'>;

export const WEBHOOK_DEFAULTS = {
  queueSize: 1000,
  queueBytes: 256 * 1024,
  maxAttempts: 5,
  attemptTimeoutMs: 5000,
  minConsecutive: 2,
  cooldownMs: 60_000,
  serviceName: 'api',
} as const;

/** The least `queueBytes`: a queue smaller than one small event would drop nearly everything. */
export const MIN_QUEUE_BYTES = 1024;

/** The most `queueBytes`: what the health infrastructure's 10 MB memory budget leaves for it. */
export const MAX_QUEUE_BYTES = 1024 * 1024;

/** Validates webhook options as `HealthWebhooksModule` will; throws the first bad one. */
export function validateWebhookOptions(options: WebhookOptions): void {
  resolveWebhookOptions(options);
}

export function resolveWebhookOptions(webhooks: WebhookOptions = {}): ResolvedWebhookOptions {
  if (webhooks === null || typeof webhooks !== 'object') {
    throw new HealthConfigurationError('webhooks', webhooks, 'an object');
  }
  const d = WEBHOOK_DEFAULTS;
  const urls = [...(webhooks.urls ?? [])];
  checkWebhookUrls(urls, 'webhooks.urls');
  if (urls.length > 0 && !webhooks.secret) {
    throw new HealthConfigurationError(
      'webhooks.secret',
      '',
      'a signing secret when webhook URLs are set',
    );
  }
  const dedup = webhooks.dedup ?? 'none';
  if (!(WEBHOOK_DEDUP as readonly string[]).includes(dedup)) {
    throw new HealthConfigurationError(
      'webhooks.dedup',
      dedup,
      `one of ${WEBHOOK_DEDUP.join(', ')}`,
    );
  }
  if (dedup === 'redis' && !webhooks.redisUrl) {
    throw new HealthConfigurationError('webhooks.redisUrl', '', 'a Redis URL when dedup is redis');
  }
  const serviceName = webhooks.serviceName ?? d.serviceName;
  if (typeof serviceName !== 'string' || !COMPONENT_NAME_PATTERN.test(serviceName)) {
    throw new HealthConfigurationError(
      'webhooks.serviceName',
      serviceName,
      'a name matching [a-z0-9_-]{1,64}',
    );
  }
  return {
    urls,
    secret: webhooks.secret,
    includeDetails: webhooks.includeDetails ?? false,
    queueSize: integer('webhooks.queueSize', webhooks.queueSize ?? d.queueSize, 1),
    queueBytes: budgetedInteger(
      'webhooks.queueBytes',
      webhooks.queueBytes ?? d.queueBytes,
      MIN_QUEUE_BYTES,
      MAX_QUEUE_BYTES,
      'the waiting events of a queue stay',
    ),
    maxAttempts: integer('webhooks.maxAttempts', webhooks.maxAttempts ?? d.maxAttempts, 1),
    attemptTimeoutMs: milliseconds(
      'webhooks.attemptTimeoutMs',
      webhooks.attemptTimeoutMs ?? d.attemptTimeoutMs,
      1,
    ),
    minConsecutive: integer(
      'webhooks.minConsecutive',
      webhooks.minConsecutive ?? d.minConsecutive,
      1,
    ),
    cooldownMs: milliseconds('webhooks.cooldownMs', webhooks.cooldownMs ?? d.cooldownMs),
    dedup,
    redisUrl: webhooks.redisUrl,
    redisOptions: redisOptions(webhooks.redisOptions),
    serviceName,
  };
}

function redisOptions(options: unknown): Readonly<Record<string, unknown>> | undefined {
  if (options === undefined) return undefined;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new HealthConfigurationError('webhooks.redisOptions', typeof options, 'an object');
  }
  return options as Readonly<Record<string, unknown>>;
}

/**
 * Receivers must be absolute http(s) URLs without user or password (fetch refuses those);
 * the first bad one is thrown, named by `setting`.
 */
export function checkWebhookUrls(
  urls: readonly string[],
  setting: string,
  expected = 'http(s) URLs',
): void {
  for (const url of urls) {
    if (!isHttpUrl(url)) throw new HealthConfigurationError(setting, url, expected);
    const { username, password } = new URL(url);
    if (username || password) {
      throw new HealthConfigurationError(
        setting,
        url,
        'URLs without user or password (fetch refuses them; put a token in the path or query)',
      );
    }
  }
}
