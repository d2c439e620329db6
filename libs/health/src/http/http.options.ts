import type { VERSION_NEUTRAL } from '@nestjs/common';
import { HealthConfigurationError } from '../core/errors';
import { milliseconds } from '../health.options';
import { LEGACY_TEMPLATE_FIELDS } from '../formats/legacy.format';
import { accessSecretList, adminKeysApart } from '../shared/access-secret';
import type { HealthEventsOptions, ResolvedEventsSettings } from './events.options';
import { resolveEventsSettings } from './events.options';
import type { HealthWriter } from './writers';

/** A controller version, as `@Controller({ version })` takes it. */
export type HealthRouteVersion =
  string | typeof VERSION_NEUTRAL | (string | typeof VERSION_NEUTRAL)[];

/** Who sees `message` and `metadata` in the reports (Spring Boot's `show-details`). */
export const DETAILS_VISIBILITY = ['never', 'when-authorized', 'always'] as const;
export type DetailsVisibility = (typeof DETAILS_VISIBILITY)[number];

/** The request as the details hook sees it: Node's IncomingMessage (Express and Fastify alike). */
export interface HealthRequest {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly url?: string;
  readonly method?: string;
}

/** One boolean key of the legacy body, read from one component's status. */
export interface LegacyField {
  /** The key in the body. */
  key: string;
  /** The component it reports: true while that component is HEALTHY. */
  component: string;
  /** The value while that component is not registered: `null` or `false`. Default null. */
  whenMissing?: null | false;
}

export interface LegacyBodyOptions {
  /**
   * The keys after `status`, `timestamp` and `version`, in order. Default: the template's
   * `ai_model_available` (ai_model, false when missing), `resilience_healthy` (resilience, null)
   * and `cache_healthy` (cache, null).
   */
  fields?: readonly LegacyField[];
  /** Values of the fields when the engine itself failed; default each field's `whenMissing`. */
  fallback?: Readonly<Record<string, boolean | null>>;
}

/** What the HTTP endpoints answer; every value may come from `forRootAsync`'s factory. */
export interface HealthHttpOptions {
  /** Who sees messages and metadata. Default `when-authorized`. */
  details?: DetailsVisibility;
  /**
   * Keys that authorize a caller to see details (`Authorization: Bearer` or `X-API-Key`), each
   * at least 16 characters of `A-Z a-z 0-9 - . _ ~ + /` (then optional `=`), trimmed.
   */
  detailsKeys?: readonly (string | undefined)[];
  /** Decides who sees details instead of (or beside) the keys: true authorizes. */
  authorizeDetails?: (request: HealthRequest) => boolean | Promise<boolean>;
  /** The legacy body's fields. */
  legacy?: LegacyBodyOptions;
  /** More writers for the report endpoint, negotiated by `Accept` with the built-in ones. */
  writers?: readonly HealthWriter[];
  /**
   * The longest a probe waits for an evaluation before it answers from the last known state
   * (the evaluation goes on). Default 800, under Kubernetes' default probe timeout of 1 s.
   */
  probeTimeoutMs?: number;
  /**
   * Keys that may read and change the configuration (`GET|PATCH|DELETE <base>/config`),
   * separate from the details keys (none may be both). None: the endpoint is off (404). The
   * same rule as `detailsKeys`.
   */
  adminKeys?: readonly (string | undefined)[];
  /** The event stream's bounds: clients, heartbeat, replay buffer, unread bytes per client. */
  events?: HealthEventsOptions;
}

/** Which endpoint groups are mounted. Every group defaults to true. */
export interface HealthEndpoints {
  /** `GET <base>`: the legacy body. */
  legacy?: boolean;
  /** `GET <base>/components[/:name]`: the full report, negotiated. */
  components?: boolean;
  /** `GET <base>/live|ready|startup`. */
  probes?: boolean;
  /** `GET <base>/trends`. */
  trends?: boolean;
  /** `GET|PATCH|DELETE <base>/config`: answers 404 unless `adminKeys` are configured. */
  config?: boolean;
  /** `GET <base>/status`: the HTML status page. */
  status?: boolean;
  /** `GET <base>/events`: reports and transitions as server-sent events. */
  events?: boolean;
}

/** Where the endpoints are mounted: known when the module is declared, so not async. */
export interface HealthRoutesOptions {
  /** Path of the endpoints, under the host's global prefix. Default `v1/health`. */
  basePath?: string;
  endpoints?: HealthEndpoints;
  /** `GET health` -> 301 to the base path. Default true. */
  redirect?: boolean;
  /** Version of the controllers under URI/header versioning. Default VERSION_NEUTRAL. */
  version?: HealthRouteVersion;
}

export interface ResolvedRoutes {
  basePath: string;
  endpoints: Required<HealthEndpoints>;
  redirect: boolean;
  version?: HealthRouteVersion;
}

export interface ResolvedHttpSettings {
  details: DetailsVisibility;
  detailsKeys: readonly string[];
  authorizeDetails?: (request: HealthRequest) => boolean | Promise<boolean>;
  legacy: { fields: readonly Required<LegacyField>[]; fallback: Record<string, boolean | null> };
  writers: readonly HealthWriter[];
  probeTimeoutMs: number;
  adminKeys: readonly string[];
  events: ResolvedEventsSettings;
}

export const HTTP_DEFAULTS = { probeTimeoutMs: 800 } as const;

const ENDPOINT_GROUPS = ['legacy', 'components', 'probes', 'trends', 'config', 'status', 'events'];
const RESERVED_KEYS = ['status', 'timestamp', 'version'];
const PATH = /^[A-Za-z0-9_~.@-]+(\/[A-Za-z0-9_~.@-]+)*$/;

export function resolveRoutes(options: HealthRoutesOptions = {}): ResolvedRoutes {
  if (options === null || typeof options !== 'object') {
    throw new HealthConfigurationError('http', options, 'an object');
  }
  const basePath = (options.basePath ?? 'v1/health').replace(/^\/+|\/+$/g, '');
  if (!PATH.test(basePath)) {
    throw new HealthConfigurationError(
      'http.basePath',
      options.basePath,
      'a URL path such as v1/health',
    );
  }
  const endpoints = options.endpoints ?? {};
  for (const [group, on] of Object.entries(endpoints)) {
    if (!ENDPOINT_GROUPS.includes(group)) {
      throw new HealthConfigurationError(
        `http.endpoints.${group}`,
        on,
        `one of ${ENDPOINT_GROUPS.join(', ')}`,
      );
    }
    flag(`http.endpoints.${group}`, on);
  }
  return {
    basePath,
    endpoints: {
      legacy: endpoints.legacy ?? true,
      components: endpoints.components ?? true,
      probes: endpoints.probes ?? true,
      trends: endpoints.trends ?? true,
      config: endpoints.config ?? true,
      status: endpoints.status ?? true,
      events: endpoints.events ?? true,
    },
    // `GET health` redirects to the base path: not when it is the base path itself.
    redirect: (flag('http.redirect', options.redirect) ?? true) && basePath !== 'health',
    version: options.version,
  };
}

export function resolveHttpSettings(options: HealthHttpOptions = {}): ResolvedHttpSettings {
  const details = options.details ?? 'when-authorized';
  if (!(DETAILS_VISIBILITY as readonly unknown[]).includes(details)) {
    throw new HealthConfigurationError(
      'details',
      details,
      `one of ${DETAILS_VISIBILITY.join(', ')}`,
    );
  }
  const detailsKeys = accessSecretList('detailsKeys', options.detailsKeys);
  const adminKeys = accessSecretList('adminKeys', options.adminKeys);
  adminKeysApart('adminKeys', adminKeys, 'detailsKeys', detailsKeys);
  if (options.authorizeDetails !== undefined && typeof options.authorizeDetails !== 'function') {
    throw new HealthConfigurationError(
      'authorizeDetails',
      typeof options.authorizeDetails,
      'a function',
    );
  }
  const writers = options.writers ?? [];
  if (!Array.isArray(writers) || !writers.every(isWriter)) {
    throw new HealthConfigurationError('writers', '[...]', 'an array of { mediaType, write() }');
  }
  return {
    details,
    detailsKeys,
    authorizeDetails: options.authorizeDetails,
    legacy: resolveLegacy(options.legacy),
    writers,
    adminKeys,
    events: resolveEventsSettings(options.events),
    probeTimeoutMs: milliseconds(
      'probeTimeoutMs',
      options.probeTimeoutMs ?? HTTP_DEFAULTS.probeTimeoutMs,
      1,
    ),
  };
}

function resolveLegacy(options: LegacyBodyOptions = {}): ResolvedHttpSettings['legacy'] {
  const given = options.fields ?? LEGACY_TEMPLATE_FIELDS;
  if (!Array.isArray(given)) {
    throw new HealthConfigurationError('legacy.fields', given, 'an array of { key, component }');
  }
  const seen = new Set<string>();
  const fields = given.map((field: LegacyField, i): Required<LegacyField> => {
    const where = `legacy.fields[${i}]`;
    if (typeof field?.key !== 'string' || field.key === '' || RESERVED_KEYS.includes(field.key)) {
      throw new HealthConfigurationError(
        `${where}.key`,
        field?.key,
        'a key other than status, timestamp, version',
      );
    }
    if (seen.has(field.key))
      throw new HealthConfigurationError(`${where}.key`, field.key, 'a key not listed twice');
    seen.add(field.key);
    if (typeof field.component !== 'string' || field.component === '') {
      throw new HealthConfigurationError(`${where}.component`, field.component, 'a component name');
    }
    const whenMissing = field.whenMissing === undefined ? null : field.whenMissing;
    if (whenMissing !== null && whenMissing !== false) {
      throw new HealthConfigurationError(`${where}.whenMissing`, whenMissing, 'null or false');
    }
    return { key: field.key, component: field.component, whenMissing };
  });
  const fallback: Record<string, boolean | null> = {};
  for (const field of fields) fallback[field.key] = field.whenMissing;
  for (const [key, value] of Object.entries(options.fallback ?? {})) {
    if (!seen.has(key))
      throw new HealthConfigurationError('legacy.fallback', key, 'a key of legacy.fields');
    if (value !== null && typeof value !== 'boolean') {
      throw new HealthConfigurationError(`legacy.fallback.${key}`, value, 'true, false or null');
    }
    fallback[key] = value;
  }
  return { fields, fallback };
}

function flag(setting: string, value: unknown): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new HealthConfigurationError(setting, value, 'true or false');
  }
  return value;
}

function isWriter(value: unknown): value is HealthWriter {
  const w = value as Partial<HealthWriter> | null;
  return (
    typeof w?.mediaType === 'string' && w.mediaType.includes('/') && typeof w.write === 'function'
  );
}
