import type { Type } from '@nestjs/common';
import type { ApiPropertyOptions } from '@nestjs/swagger';
import { ApiProperty, ApiSchema, getSchemaPath } from '@nestjs/swagger';
import { COMPONENT_NAME_PATTERN } from '../shared/names';
import { TREND_WINDOWS } from '../shared/trend-window';

const STATES = ['healthy', 'degraded', 'unhealthy'];
const NAME = COMPONENT_NAME_PATTERN.source;
const SOURCES = ['default', 'code', 'options', 'environment', 'file', 'runtime'];
const IETF = ['pass', 'warn', 'fail'];

type Properties = Readonly<Record<string, ApiPropertyOptions>>;

/** Any JSON value (OpenAPI 3.0 has no type for it). */
const JSON_VALUE = {
  oneOf: [
    { type: 'string' },
    { type: 'number' },
    { type: 'boolean' },
    { type: 'array', items: {} },
    { type: 'object' },
  ],
};

/**
 * A schema class for swagger: a class named `name` whose properties carry `ApiProperty`
 * metadata, so that `ApiExtraModels` and `getSchemaPath` know it as any decorated DTO.
 */
function model(name: string, properties: Properties, description?: string): Type {
  const type = { [name]: class {} }[name] as Type;
  ApiSchema({ name, description })(type);
  for (const [key, options] of Object.entries(properties)) {
    // What TypeScript's emitDecoratorMetadata would say of a property typed as an object.
    Reflect.defineMetadata('design:type', Object, type.prototype as object, key);
    ApiProperty(options)(type.prototype as object, key);
  }
  return type;
}

const optional = (options: ApiPropertyOptions): ApiPropertyOptions =>
  ({ ...options, required: false }) as ApiPropertyOptions;
const ref = (name: string) => ({ $ref: getSchemaPath(name) });
const mapOf = (name: string, description: string): ApiPropertyOptions => ({
  type: 'object',
  description,
  additionalProperties: ref(name),
});

/**
 * `GET /v1/health`: the template's `HealthResponse` model, field for field (FastAPI documents it
 * so at its `/docs`). Every field is always present.
 */
export const HealthResponse = model(
  'HealthResponse',
  {
    status: {
      type: 'string',
      enum: STATES,
      description:
        'Overall system health status: healthy, degraded or unhealthy. This service answers healthy or degraded (any other overall status is shown as degraded).',
      example: 'healthy',
    },
    timestamp: {
      type: 'string',
      format: 'date-time',
      description:
        "Health check timestamp: local time of the response, ISO 8601 without a zone, microseconds (Python's datetime.isoformat()).",
      example: '2025-06-28T00:06:39.130848',
    },
    version: { type: 'string', description: 'Application version', example: '1.0.0' },
    ai_model_available: {
      type: 'boolean',
      description: 'AI model accessibility status: the ai_model component is healthy.',
      example: true,
    },
    resilience_healthy: {
      type: 'boolean',
      nullable: true,
      description:
        'Resilience patterns health: true when resilience is healthy, false when it is not, null when it is not registered.',
      example: true,
    },
    cache_healthy: {
      type: 'boolean',
      nullable: true,
      description: 'Cache system health: the same rule for the cache component.',
      example: true,
    },
  },
  'Health check response model (the legacy contract of GET /v1/health).',
);

/** One component of the full report. */
export const HealthComponentReport = model('HealthComponentReport', {
  name: { type: 'string', pattern: NAME, example: 'cache' },
  status: { type: 'string', enum: STATES },
  message: optional({
    type: 'string',
    description: 'Why it is in this state. Only for callers who may see details.',
    example: 'Redis cache operational',
  }),
  response_time_ms: { type: 'number', minimum: 0, description: 'Duration of the check, in ms.' },
  metadata: optional({
    type: 'object',
    additionalProperties: true,
    description: "The component's figures. Only for callers who may see details.",
  }),
  shadow: optional({
    type: 'boolean',
    enum: [true],
    description: 'A shadow check: shown, never counted toward the overall status.',
  }),
  age_ms: optional({
    type: 'number',
    minimum: 0,
    description:
      'Only in an answer that did not wait for this check (past the response budget): how old its result is, in ms.',
  }),
});

/** `GET <base>/components` as `application/json`. */
export const HealthReport = model('HealthReport', {
  overall_status: { type: 'string', enum: STATES },
  timestamp: { type: 'number', description: 'Epoch seconds of the evaluation.' },
  last_known: optional({
    type: 'boolean',
    enum: [true],
    description:
      'Present when the answer did not wait for every check (past the response budget): see each age_ms.',
  }),
  components: { type: 'array', items: ref('HealthComponentReport') },
});

/** One check in the IETF draft format. */
export const HealthJsonCheck = model('HealthJsonCheck', {
  componentId: { type: 'string', pattern: NAME },
  componentType: { type: 'string', example: 'datastore' },
  observedValue: { type: 'number', description: 'Response time of the check.' },
  observedUnit: { type: 'string', enum: ['ms'] },
  status: { type: 'string', enum: IETF },
  time: { type: 'string', format: 'date-time' },
  output: optional({ type: 'string', description: 'Why it does not pass (details only).' }),
});

/** `GET <base>/components` as `application/health+json` (IETF draft "Health Check Response Format"). */
export const HealthJsonReport = model('HealthJsonReport', {
  status: { type: 'string', enum: IETF },
  version: { type: 'string', example: '1.0.0' },
  output: optional({ type: 'string', description: 'Why the system does not pass (details only).' }),
  checks: {
    type: 'object',
    description: 'Keyed `<component>:responseTime`.',
    additionalProperties: { type: 'array', items: ref('HealthJsonCheck') },
  },
});

/** Response times of one component over a window, in ms. */
export const HealthResponseTimeSummary = model('HealthResponseTimeSummary', {
  avg: { type: 'number' },
  p50: { type: 'number' },
  p95: { type: 'number' },
  p99: { type: 'number' },
  max: { type: 'number' },
});

const PERCENT: ApiPropertyOptions = { type: 'number', nullable: true, minimum: 0, maximum: 100 };

/** One component over one window; shares and figures are null when it has no sample. */
export const HealthComponentTrend = model('HealthComponentTrend', {
  samples: { type: 'integer', minimum: 0 },
  availability_pct: PERCENT,
  degraded_pct: PERCENT,
  unhealthy_pct: PERCENT,
  response_time_ms: { allOf: [ref('HealthResponseTimeSummary')], nullable: true },
  status_changes: { type: 'integer', minimum: 0 },
  last_change_at: {
    type: 'number',
    nullable: true,
    description: 'Epoch seconds of the last change of status.',
  },
  trend: { type: 'string', enum: ['improving', 'stable', 'degrading'] },
});

/** `GET <base>/trends`: names and figures, never messages. */
export const HealthTrendsReport = model('HealthTrendsReport', {
  window: { type: 'string', enum: Object.keys(TREND_WINDOWS) },
  interval_ms: { type: 'integer', description: 'Interval of the recorded samples, in ms.' },
  retention_ms: { type: 'integer', description: 'How long samples are kept, in ms.' },
  generated_at: { type: 'number', description: 'Epoch seconds.' },
  components: mapOf('HealthComponentTrend', 'Keyed by component name.'),
});

/** One configuration value and where it comes from. */
export const HealthConfigValue = model('HealthConfigValue', {
  value: { ...JSON_VALUE, description: 'The value: a number, a boolean, a string, a list...' },
  source: { type: 'string', enum: SOURCES },
});

/** `GET <base>/config`: every tunable value with its source. */
export const HealthConfiguration = model('HealthConfiguration', {
  version: { type: 'integer', minimum: 1, description: '+1 per applied change.' },
  defaults: mapOf(
    'HealthConfigValue',
    'Engine defaults: timeoutMs, retries, cacheTtlMs, failureCacheTtlMs.',
  ),
  checks: {
    type: 'object',
    description: 'Per check, keyed by name: each tunable setting with its source.',
    additionalProperties: { type: 'object', additionalProperties: ref('HealthConfigValue') },
  },
  scope: {
    type: 'string',
    enum: ['instance', 'fleet'],
    description: 'Where a change applies: this instance, or every instance (a fleet store).',
  },
  fleet: optional({
    type: 'object',
    description:
      'With a fleet store: the revision this instance applied, whether the store answers, the revision stored, and whether this instance runs it (if not, `problem` says why).',
    properties: {
      revision: { type: 'integer' },
      connected: { type: 'boolean' },
      storedRevision: { type: 'integer', nullable: true },
      inSync: { type: 'boolean' },
      problem: { type: 'string' },
    },
  }),
});

/** One value that changed. */
export const HealthConfigChange = model('HealthConfigChange', {
  path: { type: 'string', example: 'checks.cache.timeoutMs' },
  from: optional({ ...JSON_VALUE, nullable: true, description: 'The value before; absent: none.' }),
  to: optional({ ...JSON_VALUE, nullable: true, description: 'The value after; absent: none.' }),
});

/** `PATCH|DELETE <base>/config`: what changed. */
export const HealthConfigChangeEvent = model('HealthConfigChangeEvent', {
  version: { type: 'integer', minimum: 1 },
  changes: { type: 'array', items: ref('HealthConfigChange') },
  source: { type: 'string', enum: SOURCES },
  actor: optional({ type: 'string', description: "The admin key's short fingerprint." }),
  scope: { type: 'string', enum: ['instance', 'fleet'] },
  revision: optional({ type: 'integer', description: 'The fleet revision (with a fleet store).' }),
  dryRun: optional({ type: 'boolean', description: 'true: validated, nothing applied.' }),
});

/** One indicator in the Terminus format: its status and whatever it added. */
export const HealthTerminusIndicator = model('HealthTerminusIndicator', {
  status: { type: 'string', enum: ['up', 'degraded', 'down'] },
});

/** The `@nestjs/terminus` body: `status`, `info`, `error`, `details`. */
export const HealthTerminusReport = model('HealthTerminusReport', {
  status: { type: 'string', enum: ['ok', 'degraded', 'error', 'shutting_down'] },
  info: mapOf('HealthTerminusIndicator', 'Every indicator that is up or degraded.'),
  error: mapOf('HealthTerminusIndicator', 'Every indicator that is down.'),
  details: mapOf('HealthTerminusIndicator', 'All of them: info, then error.'),
});

/** Nest's error body (400, 401, 404, 503). */
export const HealthError = model('HealthError', {
  statusCode: { type: 'integer', example: 400 },
  message: { type: 'string', example: 'window must be one of 15m, 1h, 6h, 24h' },
  error: optional({ type: 'string', example: 'Bad Request' }),
});

/** Every schema the health routes refer to, registered with `ApiExtraModels`. */
export const HEALTH_OPENAPI_MODELS: readonly Type[] = [
  HealthResponse,
  HealthReport,
  HealthComponentReport,
  HealthJsonReport,
  HealthJsonCheck,
  HealthTrendsReport,
  HealthComponentTrend,
  HealthResponseTimeSummary,
  HealthConfiguration,
  HealthConfigValue,
  HealthConfigChangeEvent,
  HealthConfigChange,
  HealthTerminusReport,
  HealthTerminusIndicator,
  HealthError,
];
