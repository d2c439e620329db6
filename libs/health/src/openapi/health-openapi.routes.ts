import type {
  ApiBodyOptions,
  ApiHeaderOptions,
  ApiParamOptions,
  ApiQueryOptions,
  ApiResponseOptions,
  ContentObject,
  HeadersObject,
} from '@nestjs/swagger';
import { getSchemaPath } from '@nestjs/swagger';
import { COMPONENT_NAME_PATTERN } from '../shared/names';
import { TREND_WINDOWS } from '../shared/trend-window';

/** How one route is described: what swagger's `Api*` decorators are given. */
export interface HealthRouteDoc {
  summary: string;
  description?: string;
  params?: readonly ApiParamOptions[];
  headers?: readonly ApiHeaderOptions[];
  queries?: readonly ApiQueryOptions[];
  body?: ApiBodyOptions;
  /** The media types the body may come as. */
  consumes?: readonly string[];
  responses: readonly ApiResponseOptions[];
}

/** Which tag a controller's routes go under: the health tag or the metrics tag. */
export type HealthRouteGroup = 'health' | 'metrics';

export interface HealthControllerDoc {
  group: HealthRouteGroup;
  /** By handler name. */
  routes: Readonly<Record<string, HealthRouteDoc>>;
}

const HEALTH_JSON = 'application/health+json';
const PROMETHEUS_TEXT = 'text/plain; version=0.0.4';

const NO_STORE: HeadersObject = {
  'Cache-Control': {
    description: 'Never cached by intermediaries.',
    schema: { type: 'string', example: 'no-store' },
  },
};

const RETRY_AFTER: HeadersObject = {
  'Retry-After': { description: 'Seconds.', schema: { type: 'integer' } },
};

const model = (name: string) => ({ schema: { $ref: getSchemaPath(name) } });

const json = (name: string): ContentObject => ({ 'application/json': model(name) });

const text = (example: string): ContentObject => ({
  'text/plain': { schema: { type: 'string', example } },
});

/** The full report's media types, negotiated by `Accept`. */
const report = (jsonModel: string): ContentObject => ({
  ...json(jsonModel),
  [HEALTH_JSON]: model('HealthJsonReport'),
  ...text('health_component_status{component="cache",state="healthy"} 1\n'),
});

const error = (status: number, description: string): ApiResponseOptions => ({
  status,
  description,
  content: json('HealthError'),
});

const VERBOSE: ApiQueryOptions = {
  name: 'verbose',
  required: false,
  allowEmptyValue: true,
  schema: { type: 'string' },
  description:
    'Present (any value, even empty: `?verbose`): one line per check, even when all pass.',
};

const EXCLUDE: ApiQueryOptions = {
  name: 'exclude',
  required: false,
  schema: { type: 'array', items: { type: 'string', pattern: COMPONENT_NAME_PATTERN.source } },
  style: 'form',
  explode: true,
  description: 'Leave this check out (repeat for several: `?exclude=cache&exclude=database`).',
};

const ADMIN =
  'Needs an admin key (`HEALTH_ADMIN_KEYS`, `adminKeys`) as `Authorization: Bearer <key>` or `X-API-Key: <key>`. 404 while no admin key is configured.';

const CONFIG_PATCH = {
  type: 'object',
  description:
    'A JSON merge patch of the runtime values: a value sets it, null removes it; `checks.<name>: null` removes every runtime value of that check.',
  properties: {
    defaults: {
      type: 'object',
      additionalProperties: { type: 'number', nullable: true },
      example: { timeoutMs: 1500 },
    },
    checks: {
      type: 'object',
      additionalProperties: { type: 'object', nullable: true, additionalProperties: true },
      example: { cache: { timeoutMs: 500, critical: true } },
    },
  },
  additionalProperties: false,
} as const;

const WINDOW: ApiQueryOptions = {
  name: 'window',
  required: false,
  schema: { type: 'string', enum: Object.keys(TREND_WINDOWS), default: '1h' },
  description: 'The window the figures cover.',
};

const admin401 = error(401, 'No valid admin key. Nothing else is said.');
const admin404 = error(404, 'The endpoint is off: no admin key is configured.');
const fleet503 = error(
  503,
  'The fleet store did not take the change: the message says whether nothing was applied or the outcome is not known yet (then `GET` shows `fleet.storedRevision`).',
);

/**
 * Every health route, by controller class and handler name. A route added to the library gets
 * its entry here; `test/openapi.e2e-spec.ts` fails for a health route without one.
 */
export const HEALTH_ROUTE_DOCS: Readonly<Record<string, HealthControllerDoc>> = {
  LegacyHealthController: {
    group: 'health',
    routes: {
      legacy: {
        summary: 'Health (the legacy body)',
        description:
          "The template's `HealthResponse`: always 200, whatever the health (monitors read `status`); no authentication; `status` is healthy only when every component is, degraded otherwise. If the engine itself fails, still 200 with a fallback body.",
        responses: [
          {
            status: 200,
            description: 'The six keys, in this order.',
            headers: NO_STORE,
            content: json('HealthResponse'),
          },
        ],
      },
    },
  },
  HealthRedirectController: {
    group: 'health',
    routes: {
      redirect: {
        summary: 'Redirect to the health endpoint',
        description: 'The unversioned path answers 301 to the base path, the query kept.',
        responses: [
          {
            status: 301,
            description: 'Moved permanently to the health base path.',
            headers: {
              Location: { description: 'The health base path.', schema: { type: 'string' } },
            },
          },
        ],
      },
    },
  },
  HealthReportController: {
    group: 'health',
    routes: {
      report: {
        summary: 'Full report of every component',
        description:
          'Negotiated by `Accept`: `application/json` (the default), `application/health+json` (IETF draft "Health Check Response Format for HTTP APIs") or `text/plain` (Prometheus text). `message` and `metadata` (and the IETF `output`) only for callers who may see details (`HEALTH_DETAILS`). 503 when the system is unhealthy.',
        responses: [
          {
            status: 200,
            description: 'Healthy or degraded.',
            headers: NO_STORE,
            content: report('HealthReport'),
          },
          {
            status: 503,
            description: 'Unhealthy: the same body.',
            headers: NO_STORE,
            content: report('HealthReport'),
          },
        ],
      },
      component: {
        summary: 'One component',
        description:
          'Runs (or answers from cache) one check. Negotiated by `Accept` like the full report; `application/json` is the component alone.',
        params: [
          {
            name: 'name',
            required: true,
            schema: { type: 'string', pattern: COMPONENT_NAME_PATTERN.source },
            description: 'The component, e.g. `cache`.',
          },
        ],
        responses: [
          {
            status: 200,
            description: 'Healthy or degraded.',
            headers: NO_STORE,
            content: report('HealthComponentReport'),
          },
          {
            status: 503,
            description: 'Unhealthy: the same body.',
            headers: NO_STORE,
            content: report('HealthComponentReport'),
          },
          error(400, 'The name is not a component name (`[a-z0-9_-]{1,64}`).'),
          error(404, 'No component has this name.'),
        ],
      },
    },
  },
  ProbesController: {
    group: 'health',
    routes: {
      live: {
        summary: 'Liveness probe',
        description: '200 while the process can serve; runs no dependency check.',
        queries: [VERBOSE],
        responses: [
          {
            status: 200,
            description:
              '`ok`, or with `?verbose` `[+]process ok`, `[+]evaluation ok (every 30.0 s, last 2.1 s ago)` (how old the periodic evaluation is: `overdue` when it stopped) then `live check passed`.',
            headers: NO_STORE,
            content: text('ok\n'),
          },
        ],
      },
      ready: {
        summary: 'Readiness probe',
        description:
          'Runs the readiness checks (tagged `ready`, else the critical ones) within the probe budget, else answers from the last known state. 503 when one is unhealthy, timed out or never answered, and while the service drains. Names and verdicts only, never a message.',
        queries: [VERBOSE, EXCLUDE],
        responses: [
          {
            status: 200,
            description: 'Ready: `ok`, or one line per check with `?verbose`.',
            headers: NO_STORE,
            content: text(
              '[+]cache ok (checked 0.4 s ago)\n[+]ai_model degraded (checked 0.4 s ago)\n[+]evaluation ok (every 30.0 s, last 2.1 s ago)\nreadiness check passed\n',
            ),
          },
          {
            status: 503,
            description: 'Not ready: one line per check, then why.',
            headers: NO_STORE,
            content: text('[-]database failed: timed out\nreadiness check failed\n'),
          },
        ],
      },
      startup: {
        summary: 'Startup probe',
        description: '503 until the first full evaluation has finished, then 200.',
        responses: [
          { status: 200, description: 'Started.', headers: NO_STORE, content: text('ok\n') },
          {
            status: 503,
            description: 'The first evaluation has not finished.',
            headers: NO_STORE,
            content: text('startup check failed: the first health evaluation has not finished\n'),
          },
        ],
      },
    },
  },
  TrendsController: {
    group: 'health',
    routes: {
      get: {
        summary: 'Trends per component',
        description:
          'Availability, response times and direction per component over a window, from the periodic evaluations. Names and figures only, never a message.',
        queries: [WINDOW],
        responses: [
          {
            status: 200,
            description: 'The figures.',
            headers: NO_STORE,
            content: json('HealthTrendsReport'),
          },
          error(400, 'Not one of the windows.'),
        ],
      },
    },
  },
  HealthStatusPageController: {
    group: 'health',
    routes: {
      page: {
        summary: 'Status page (HTML)',
        description:
          'A page for people: every component with its state, availability, p95 and a sparkline over the window, from the last report and the trends (it runs no check); messages follow the details rule. Always 200.',
        queries: [WINDOW],
        responses: [
          {
            status: 200,
            description: 'The page.',
            headers: NO_STORE,
            content: { 'text/html': { schema: { type: 'string', example: '<!doctype html>' } } },
          },
          error(400, 'Not one of the windows.'),
        ],
      },
    },
  },
  HealthEventsController: {
    group: 'health',
    routes: {
      events: {
        summary: 'Event stream of reports and transitions',
        description:
          'Server-Sent Events: `event: report` (the full report, as `components` answers it, with `checked_at`) and `event: transition` (one status change; `component` null for the system), each with an `id`. A client reconnecting with `Last-Event-ID` (or `?lastEventId=`) gets the events it missed that are still kept. Comment heartbeats keep proxies from closing it.',
        headers: [
          {
            name: 'Last-Event-ID',
            required: false,
            schema: { type: 'string' },
            description: 'The id of the last event received: the stream resumes after it.',
          },
        ],
        queries: [
          {
            name: 'lastEventId',
            required: false,
            schema: { type: 'string' },
            description: 'For clients that cannot set the `Last-Event-ID` header.',
          },
        ],
        responses: [
          {
            status: 200,
            description: 'The stream; it stays open.',
            headers: NO_STORE,
            content: {
              'text/event-stream': {
                schema: {
                  type: 'string',
                  example:
                    'retry: 3000\n\nid: 1\nevent: transition\ndata: {"component":"cache","from":"healthy","to":"degraded","at":1751069199.13}\n\n',
                },
              },
            },
          },
          {
            status: 429,
            description:
              "Too many streams from the caller's address (`maxClientsPerAddress`, default 20; the socket's address, never `X-Forwarded-For`): a place frees when one of them ends.",
            headers: RETRY_AFTER,
            content: text(
              'too many event-stream clients from one address (limit 20 per address): retry later\n',
            ),
          },
          {
            status: 503,
            description:
              'The service is draining, or too many clients are connected (`maxClients`).',
            headers: RETRY_AFTER,
            content: text('the service is draining: connect to another instance\n'),
          },
        ],
      },
    },
  },
  HealthConfigController: {
    group: 'health',
    routes: {
      get: {
        summary: 'Effective configuration',
        description: `Every tunable value with its source (default, code, options, environment, file, runtime). ${ADMIN}`,
        responses: [
          {
            status: 200,
            description: 'The configuration.',
            content: json('HealthConfiguration'),
          },
          error(400, 'A query parameter: GET takes none.'),
          admin401,
          admin404,
        ],
      },
      patch: {
        summary: 'Change the configuration at runtime',
        description: `A JSON merge patch (RFC 7396), validated like startup settings and applied all or nothing, from the next evaluation; one audit line per applied change. At most 64 KiB. The key is checked before the body is read. ${ADMIN}`,
        queries: [
          {
            name: 'dryRun',
            required: false,
            schema: { type: 'string', enum: ['true', 'false'] },
            description: '`true`: validate and answer what would change; nothing is applied.',
          },
        ],
        body: { required: true, schema: CONFIG_PATCH },
        consumes: ['application/merge-patch+json', 'application/json'],
        responses: [
          {
            status: 200,
            description: 'What changed (or would change, with `dryRun=true`).',
            content: json('HealthConfigChangeEvent'),
          },
          error(
            400,
            'A bad value, naming the setting, a body that is not JSON, or a query parameter other than `dryRun=true|false`: nothing was applied.',
          ),
          admin401,
          admin404,
          error(413, 'The body is over 64 KiB: nothing was applied.'),
          error(415, 'The body is neither `application/merge-patch+json` nor `application/json`.'),
          fleet503,
        ],
      },
      reset: {
        summary: 'Drop every runtime value',
        description: `The file, environment, options or default values show again. ${ADMIN}`,
        responses: [
          {
            status: 200,
            description: 'What changed.',
            content: json('HealthConfigChangeEvent'),
          },
          error(400, 'A query parameter: DELETE takes none. Nothing was applied.'),
          admin401,
          admin404,
          fleet503,
        ],
      },
    },
  },
  HealthMetricsController: {
    group: 'metrics',
    routes: {
      scrape: {
        summary: 'Prometheus metrics',
        description:
          'The Prometheus registry: health, cache and circuit breaker series (and the process metrics when collected). A scrape never runs a check. With a metrics token (`HEALTH_METRICS_TOKEN`, `token`), only a request presenting it gets them, as `Authorization: Bearer <token>` or `X-API-Key: <token>` (as every key of these endpoints).',
        responses: [
          {
            status: 200,
            description: 'The Prometheus text exposition format.',
            headers: NO_STORE,
            content: {
              [PROMETHEUS_TEXT]: {
                schema: {
                  type: 'string',
                  example: 'health_component_status{component="cache",state="healthy"} 1\n',
                },
              },
            },
          },
          {
            status: 401,
            description:
              'A token is configured and the request has no valid one. Nothing else is said.',
            headers: {
              'WWW-Authenticate': {
                description: 'How to authenticate.',
                schema: { type: 'string', example: 'Bearer realm="metrics"' },
              },
            },
            content: json('HealthError'),
          },
        ],
      },
    },
  },
  TerminusFormatController: {
    group: 'health',
    routes: {
      report: {
        summary: 'Health in the @nestjs/terminus format',
        description:
          'The body `HealthCheckService.check()` answers: `status`, `info`, `error`, `details`. 503 when a check is down or while the service drains.',
        responses: [
          { status: 200, description: 'ok or degraded.', content: json('HealthTerminusReport') },
          {
            status: 503,
            description: 'error or shutting_down.',
            content: json('HealthTerminusReport'),
          },
        ],
      },
    },
  },
};
