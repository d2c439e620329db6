import type { HealthRequest } from '../core/ports';
import { accessSecretList } from '../shared/access-secret';
import { HealthConfigurationError } from '../shared/errors';
import type { HealthRouteVersion } from '../shared/routes';
import { routePath } from '../shared/routes';
import { milliseconds } from '../shared/validate';
import type { HealthWriter } from '../core/ports';

/** Who sees `message` and `metadata` in the reports (Spring Boot's `show-details`). */
export const DETAILS_VISIBILITY = ['never', 'when-authorized', 'always'] as const;
export type DetailsVisibility = (typeof DETAILS_VISIBILITY)[number];

/** One boolean key of the legacy body, read from one component's status. */
export interface LegacyField {
  /** The key in the body. */
  key: string;
  /** The component it reports: true while that component is HEALTHY. */
  component: string;
  /** The value while that component is not registered: `null` or `false`. Default null. */
  whenMissing?: null | false;
}

/** The legacy body's `timestamp` by default: ISO 8601 in UTC (`2026-12-04T21:20:47.123Z`). */
export const isoTimestamp = (epochMs: number): string => new Date(epochMs).toISOString();

/** The body of `GET <base>` when it is mounted (`http.endpoints.legacy`). */
export interface LegacyBodyOptions {
  /** The keys after `status`, `timestamp` and `version`, in order. Default none. */
  fields?: readonly LegacyField[];
  /** How `timestamp` is written from the time of the response. Default ISO 8601 in UTC. */
  timestamp?: (epochMs: number) => string;
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
}

/**
 * Which endpoint groups are mounted. What every app needs is on by default: the report and the
 * probes; every other part is turned on by the app.
 */
export interface HealthEndpoints {
  /** `GET <base>/components[/:name]`: the full report, negotiated. Default true. */
  components?: boolean;
  /** `GET <base>/live|ready|startup`. Default true. */
  probes?: boolean;
  /** `GET <base>`: the legacy body (its fields from the `legacy` option). Default false. */
  legacy?: boolean;
  /** `GET <base>/trends`; trends are recorded when this or the status page is on. Default false. */
  trends?: boolean;
  /** `GET <base>/status`: the HTML status page. Default false. */
  status?: boolean;
  /** `GET <base>/events`: reports and transitions as server-sent events. Default false. */
  events?: boolean;
}

/** Where the endpoints are mounted: known when the module is declared, so not async. */
export interface HealthRoutesOptions {
  /** Path of the endpoints, under the host's global prefix. Default `v1/health`. */
  basePath?: string;
  endpoints?: HealthEndpoints;
  /** `GET health` -> 301 to the base path. Default false. */
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
  legacy: {
    fields: readonly Required<LegacyField>[];
    fallback: Record<string, boolean | null>;
    timestamp: (epochMs: number) => string;
  };
  writers: readonly HealthWriter[];
  probeTimeoutMs: number;
}

export const HTTP_DEFAULTS = { probeTimeoutMs: 800 } as const;

const ENDPOINT_GROUPS = ['components', 'probes', 'legacy', 'trends', 'status', 'events'];
const RESERVED_KEYS = ['status', 'timestamp', 'version'];

export function resolveRoutes(options: HealthRoutesOptions = {}): ResolvedRoutes {
  if (options === null || typeof options !== 'object') {
    throw new HealthConfigurationError('http', options, 'an object');
  }
  const basePath = routePath('http.basePath', options.basePath, 'v1/health', 'v1/health');
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
      components: endpoints.components ?? true,
      probes: endpoints.probes ?? true,
      legacy: endpoints.legacy ?? false,
      trends: endpoints.trends ?? false,
      status: endpoints.status ?? false,
      events: endpoints.events ?? false,
    },
    // `GET health` redirects to the base path: not when it is the base path itself.
    redirect: (flag('http.redirect', options.redirect) ?? false) && basePath !== 'health',
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
    probeTimeoutMs: milliseconds(
      'probeTimeoutMs',
      options.probeTimeoutMs ?? HTTP_DEFAULTS.probeTimeoutMs,
      1,
    ),
  };
}

function resolveLegacy(options: LegacyBodyOptions = {}): ResolvedHttpSettings['legacy'] {
  const given = options.fields ?? [];
  const timestamp = options.timestamp ?? isoTimestamp;
  if (typeof timestamp !== 'function') {
    throw new HealthConfigurationError(
      'legacy.timestamp',
      typeof timestamp,
      'a function of epoch ms',
    );
  }
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
  return { fields, fallback, timestamp };
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
