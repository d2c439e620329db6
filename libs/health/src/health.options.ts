import type { Registry } from 'prom-client';
import { HealthConfigurationError } from './core/errors';
import type { HealthClock } from './core/clock';
import { systemClock } from './core/clock';
import type { HealthCheckDefinition, HealthCheckOptions } from './core/health-check';

/** Component names of the built-in indicators, the ones `enabledComponents` selects among. */
export const BUILT_IN_COMPONENTS = [
  'ai_model',
  'cache',
  'resilience',
  'database',
  'runtime',
] as const;
export type BuiltInComponent = (typeof BUILT_IN_COMPONENTS)[number];

/** A component name: lowercase letters, digits, `_` and `-`, 1 to 64 characters. */
export const COMPONENT_NAME_PATTERN = /^[a-z0-9_-]{1,64}$/;

export interface LegacyEndpointOptions {
  /**
   * Whether an AI key is configured: the legacy body's `ai_model_available` when the
   * engine itself fails and no component status can be read.
   */
  aiModelConfigured?: boolean;
}

/** Who sees `message` and `metadata` in the full report (Spring Boot's `show-details`). */
export const DETAILS_VISIBILITY = ['never', 'when-authorized', 'always'] as const;
export type DetailsVisibility = (typeof DETAILS_VISIBILITY)[number];

export interface TrendOptions {
  /** How often the collector runs a full evaluation and records samples; 0 disables. Default 10000. */
  intervalMs?: number;
  /** How long samples are kept. Default 24 h. */
  retentionMs?: number;
}

export const WEBHOOK_DEDUP = ['none', 'redis'] as const;
export type WebhookDedup = (typeof WEBHOOK_DEDUP)[number];

export interface WebhookOptions {
  /** Receivers of status-change events (http or https). None: no webhooks. */
  urls?: readonly string[];
  /** HMAC-SHA256 key of `X-Health-Signature`; required when `urls` is set. */
  secret?: string;
  /** Put messages and metadata in the event's `report`. Default false (as for unauthenticated callers). */
  includeDetails?: boolean;
  /** Undelivered events kept per URL; the oldest is dropped (and counted) beyond. Default 1000. */
  queueSize?: number;
  /** Delivery attempts per event, with exponential backoff. Default 5. */
  maxAttempts?: number;
  /** Timeout of one delivery attempt in ms. Default 5000. */
  attemptTimeoutMs?: number;
  /** A transition is announced once it has held this many evaluations. Default 2. */
  minConsecutive?: number;
  /** A component is announced at most once per this many ms. Default 60000. */
  cooldownMs?: number;
  /** `redis`: instances of one service announce each transition once (needs `redisUrl`). */
  dedup?: WebhookDedup;
  redisUrl?: string;
  /** The `service` field of events, and the de-duplication scope. Default `api`. */
  serviceName?: string;
}

export interface HealthModuleOptions {
  /** Application version shown in reports. Default `"1.0.0"`. */
  version?: string;
  /** Default per-check timeout in ms. Default 2000. */
  defaultTimeoutMs?: number;
  /** Default retries after a failed attempt. Default 1. */
  retries?: number;
  /** First backoff delay in ms; it doubles on each retry. Default 100. */
  retryBaseDelayMs?: number;
  /** Default result TTL in ms; 0 = every evaluation runs afresh. Default 0. */
  cacheTtlMs?: number;
  /** Checks to register at startup. */
  checks?: readonly HealthCheckDefinition[];
  /**
   * Per-component settings keyed by name, applied to a check whatever registered it
   * (options, runtime or DI). They win over the check's own options: this is where
   * operators' configuration goes.
   */
  components?: Readonly<Record<string, HealthCheckOptions>>;
  /** Which built-in components run. Unset: all that are registered. */
  enabledComponents?: readonly string[];
  /** Values that must never appear in a message or metadata (API keys, passwords). */
  secrets?: readonly (string | undefined)[];
  legacy?: LegacyEndpointOptions;
  /** Who sees messages and metadata in the full report. Default `when-authorized`. */
  details?: DetailsVisibility;
  /** Keys that authorize a caller (`Authorization: Bearer` or `X-API-Key`). Default none. */
  apiKeys?: readonly (string | undefined)[];
  /** How long the service keeps serving, not ready, after SIGTERM. Default 5000. */
  shutdownDelayMs?: number;
  trends?: TrendOptions;
  webhooks?: WebhookOptions;
  /**
   * Prometheus metrics: `false` registers none; `{ registry }` puts them in that prom-client
   * registry instead of the global one (which `@willsoto/nestjs-prometheus` serves). Default on.
   */
  metrics?: false | { registry?: Registry };
  clock?: HealthClock;
}

/** Options after defaults and validation: what the engine reads. */
export interface ResolvedHealthOptions {
  version: string;
  defaults: Required<Omit<HealthCheckOptions, 'tags'>> & { tags: readonly string[] };
  retryBaseDelayMs: number;
  checks: readonly HealthCheckDefinition[];
  components: Readonly<Record<string, HealthCheckOptions>>;
  enabledComponents?: ReadonlySet<string>;
  secrets: readonly (string | undefined)[];
  legacy: Required<LegacyEndpointOptions>;
  details: DetailsVisibility;
  apiKeys: readonly string[];
  shutdownDelayMs: number;
  trends: Required<TrendOptions>;
  webhooks: ResolvedWebhookOptions;
  metrics: { enabled: boolean; registry?: Registry };
  clock: HealthClock;
}

export type ResolvedWebhookOptions = Required<Omit<WebhookOptions, 'secret' | 'redisUrl'>> &
  Pick<WebhookOptions, 'secret' | 'redisUrl'>;

export const HEALTH_DEFAULTS = {
  version: '1.0.0',
  timeoutMs: 2000,
  retries: 1,
  retryBaseDelayMs: 100,
  cacheTtlMs: 0,
  details: 'when-authorized',
  shutdownDelayMs: 5000,
  trends: { intervalMs: 10_000, retentionMs: 24 * 60 * 60 * 1000 },
  webhooks: {
    queueSize: 1000,
    maxAttempts: 5,
    attemptTimeoutMs: 5000,
    minConsecutive: 2,
    cooldownMs: 60_000,
    serviceName: 'api',
  },
} as const;

export function resolveHealthOptions(options: HealthModuleOptions = {}): ResolvedHealthOptions {
  if (options === null || typeof options !== 'object') {
    throw new HealthConfigurationError('HealthModule options', options, 'an object');
  }
  const checks = options.checks ?? [];
  if (!Array.isArray(checks)) {
    throw new HealthConfigurationError('checks', checks, 'an array of health checks');
  }
  checks.forEach((check, i) => validateDefinition(check, `checks[${i}]`));
  const components = options.components ?? {};
  for (const [name, componentOptions] of Object.entries(components)) {
    validateCheckOptions(componentOptions, `components.${name}`);
  }
  return {
    version: validateVersion(options.version),
    defaults: {
      timeoutMs: positive(
        'defaultTimeoutMs',
        options.defaultTimeoutMs ?? HEALTH_DEFAULTS.timeoutMs,
      ),
      retries: retryCount('retries', options.retries ?? HEALTH_DEFAULTS.retries),
      cacheTtlMs: nonNegative('cacheTtlMs', options.cacheTtlMs ?? HEALTH_DEFAULTS.cacheTtlMs),
      critical: true,
      tags: [],
    },
    retryBaseDelayMs: nonNegative(
      'retryBaseDelayMs',
      options.retryBaseDelayMs ?? HEALTH_DEFAULTS.retryBaseDelayMs,
    ),
    checks,
    components,
    enabledComponents: validateEnabled(options.enabledComponents),
    // Keys and the signing secret are secrets however they were configured.
    secrets: [...(options.secrets ?? []), ...(options.apiKeys ?? []), options.webhooks?.secret],
    legacy: { aiModelConfigured: options.legacy?.aiModelConfigured ?? false },
    details: validateDetails(options.details),
    apiKeys: (options.apiKeys ?? []).filter((key): key is string => Boolean(key)),
    shutdownDelayMs: nonNegative(
      'shutdownDelayMs',
      options.shutdownDelayMs ?? HEALTH_DEFAULTS.shutdownDelayMs,
    ),
    trends: resolveTrends(options.trends),
    webhooks: resolveWebhooks(options.webhooks),
    metrics: resolveMetrics(options.metrics),
    clock: options.clock ?? systemClock,
  };
}

function resolveMetrics(metrics: HealthModuleOptions['metrics']): ResolvedHealthOptions['metrics'] {
  if (metrics === false) return { enabled: false };
  if (metrics === undefined || metrics === null) return { enabled: true };
  if (typeof metrics !== 'object') {
    throw new HealthConfigurationError('metrics', metrics, 'false or { registry }');
  }
  const { registry } = metrics;
  if (registry !== undefined && typeof registry?.registerMetric !== 'function') {
    throw new HealthConfigurationError(
      'metrics.registry',
      typeof registry,
      'a prom-client Registry',
    );
  }
  return { enabled: true, registry };
}

function resolveTrends(trends: TrendOptions = {}): Required<TrendOptions> {
  const { intervalMs, retentionMs } = HEALTH_DEFAULTS.trends;
  const resolved = {
    intervalMs: nonNegative('trends.intervalMs', trends.intervalMs ?? intervalMs),
    retentionMs: positive('trends.retentionMs', trends.retentionMs ?? retentionMs),
  };
  if (resolved.intervalMs > 0 && resolved.retentionMs < resolved.intervalMs) {
    throw new HealthConfigurationError(
      'trends.retentionMs',
      resolved.retentionMs,
      `at least trends.intervalMs (${resolved.intervalMs})`,
    );
  }
  return resolved;
}

function resolveWebhooks(webhooks: WebhookOptions = {}): ResolvedWebhookOptions {
  const d = HEALTH_DEFAULTS.webhooks;
  const urls = [...(webhooks.urls ?? [])];
  for (const url of urls) {
    if (!isHttpUrl(url)) {
      throw new HealthConfigurationError('webhooks.urls', url, 'http(s) URLs');
    }
  }
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
  return {
    urls,
    secret: webhooks.secret,
    includeDetails: webhooks.includeDetails ?? false,
    queueSize: count('webhooks.queueSize', webhooks.queueSize ?? d.queueSize, 1),
    maxAttempts: count('webhooks.maxAttempts', webhooks.maxAttempts ?? d.maxAttempts, 1),
    attemptTimeoutMs: positive(
      'webhooks.attemptTimeoutMs',
      webhooks.attemptTimeoutMs ?? d.attemptTimeoutMs,
    ),
    minConsecutive: count(
      'webhooks.minConsecutive',
      webhooks.minConsecutive ?? d.minConsecutive,
      1,
    ),
    cooldownMs: nonNegative('webhooks.cooldownMs', webhooks.cooldownMs ?? d.cooldownMs),
    dedup,
    redisUrl: webhooks.redisUrl,
    serviceName: validateComponentName(
      webhooks.serviceName ?? d.serviceName,
      'webhooks.serviceName',
    ),
  };
}

function count(setting: string, value: unknown, min: number): number {
  if (!Number.isInteger(value) || (value as number) < min) {
    throw new HealthConfigurationError(setting, value, `an integer >= ${min}`);
  }
  return value as number;
}

/** Validates the options a check carries; `where` names it in errors. */
export function validateCheckOptions(options: HealthCheckOptions | undefined, where: string): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object') {
    throw new HealthConfigurationError(where, options, 'an object of check options');
  }
  if (options.timeoutMs !== undefined) positive(`${where}.timeoutMs`, options.timeoutMs);
  if (options.retries !== undefined) retryCount(`${where}.retries`, options.retries);
  if (options.cacheTtlMs !== undefined) nonNegative(`${where}.cacheTtlMs`, options.cacheTtlMs);
  if (options.critical !== undefined && typeof options.critical !== 'boolean') {
    throw new HealthConfigurationError(`${where}.critical`, options.critical, 'true or false');
  }
  if (
    options.tags !== undefined &&
    !(Array.isArray(options.tags) && options.tags.every((t) => typeof t === 'string' && t !== ''))
  ) {
    throw new HealthConfigurationError(
      `${where}.tags`,
      options.tags,
      'an array of non-empty strings',
    );
  }
}

export function validateDefinition(definition: HealthCheckDefinition, where: string): void {
  if (definition === null || typeof definition !== 'object') {
    throw new HealthConfigurationError(where, definition, 'an object with name and check()');
  }
  validateComponentName(definition.name, `${where}.name`);
  if (typeof definition.check !== 'function') {
    throw new HealthConfigurationError(`${where}.check`, definition.check, 'a function');
  }
  validateCheckOptions(definition, where);
}

/** An absolute http(s) URL with a host. */
export function isHttpUrl(value: unknown): value is string {
  return typeof value === 'string' && /^https?:\/\/[^/\s]+/.test(value) && URL.canParse(value);
}

export function validateComponentName(name: unknown, where = 'name'): string {
  if (typeof name !== 'string' || !COMPONENT_NAME_PATTERN.test(name)) {
    throw new HealthConfigurationError(where, name, 'a component name matching [a-z0-9_-]{1,64}');
  }
  return name;
}

function validateDetails(details: unknown): DetailsVisibility {
  if (details === undefined) return HEALTH_DEFAULTS.details;
  if (!(DETAILS_VISIBILITY as readonly unknown[]).includes(details)) {
    throw new HealthConfigurationError(
      'details',
      details,
      `one of ${DETAILS_VISIBILITY.join(', ')}`,
    );
  }
  return details as DetailsVisibility;
}

function validateVersion(version: unknown): string {
  if (version === undefined) return HEALTH_DEFAULTS.version;
  if (typeof version !== 'string' || version.trim() === '') {
    throw new HealthConfigurationError('version', version, 'a non-empty string');
  }
  return version;
}

function validateEnabled(enabled: readonly string[] | undefined): ReadonlySet<string> | undefined {
  if (enabled === undefined) return undefined;
  if (!Array.isArray(enabled)) {
    throw new HealthConfigurationError('enabledComponents', enabled, 'an array of component names');
  }
  for (const name of enabled) {
    if (!(BUILT_IN_COMPONENTS as readonly string[]).includes(name)) {
      throw new HealthConfigurationError(
        'enabledComponents',
        name,
        `one of ${BUILT_IN_COMPONENTS.join(', ')}`,
      );
    }
  }
  return new Set(enabled);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function positive(setting: string, value: unknown): number {
  if (!isFiniteNumber(value) || value <= 0) {
    throw new HealthConfigurationError(setting, value, 'a number of milliseconds > 0');
  }
  return value;
}

function nonNegative(setting: string, value: unknown): number {
  if (!isFiniteNumber(value) || value < 0) {
    throw new HealthConfigurationError(setting, value, 'a number of milliseconds >= 0');
  }
  return value;
}

function retryCount(setting: string, value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < 0) {
    throw new HealthConfigurationError(setting, value, 'an integer >= 0');
  }
  return value as number;
}
