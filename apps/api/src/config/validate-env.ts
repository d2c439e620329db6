import type { HealthModuleOptions } from '@nest-health/core';
import {
  HealthConfigurationError,
  RuntimeIndicator,
  validateHealthOptions,
} from '@nest-health/core';
import { readConfigurationFile } from '@nest-health/core/config';
import { AiModelIndicator } from '@nest-health/core/gemini';
import { validateWebhookOptions } from '@nest-health/core/webhooks';
import { aiSettingsFromEnv } from '../ai/ai.config';
import { apiKeysFromEnv } from '../auth/auth.config';
import { redisSettingsFromEnv } from '../cache/redis.config';
import { resilienceSettingsFromEnv } from '../resilience/resilience.config';
import { answerTtlsFromEnv } from '../text-processing/answer-cache.config';
import { runtimeSettingsFromEnv } from '../health/runtime.config';
import { thresholdsFromEnv } from '../health/thresholds.config';
import {
  TEMPLATE_COMPONENTS,
  templateEnabledComponents,
  templateConfigOptions,
  templateHealthOptions,
  templateMetricsOptions,
  templateWebhookOptions,
} from '../health/template-preset';
import { parsePort, readInteger, readString } from './app.config';
import { logFormatFromEnv } from './logging';

type Env = Record<string, string | undefined>;

/** Every invalid setting of one start, one line each. */
export class EnvironmentError extends Error {
  override readonly name = 'EnvironmentError';
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
  }
}

/**
 * Reads every setting the service has before Nest starts, and reports every bad one at once:
 * one line per variable, naming it, its (masked) value and what was expected. A setting the
 * library validates under an option name (`trends.retentionMs`) is named by its variable
 * (`HEALTH_TREND_RETENTION_MS`). Returns the port.
 */
export function validateEnvironment(env: Readonly<Env>): number {
  const problems: string[] = [];
  for (const read of READERS) collect(read, env, problems);
  if (problems.length > 0) throw new EnvironmentError([...new Set(problems)]);
  return parsePort(env.PORT);
}

/** Each reads a part of the environment and throws `HealthConfigurationError` on a bad value. */
const READERS: ((env: Env) => unknown)[] = [
  (env) => validateHealthOptions(templateHealthOptions(env) as HealthModuleOptions),
  (env) => templateEnabledComponents(env),
  (env) => validateWebhookOptions(templateWebhookOptions(env)),
  (env) => templateMetricsOptions(env),
  (env) => {
    const ai = aiSettingsFromEnv(env);
    return new AiModelIndicator({
      apiKey: ai.apiKey,
      model: ai.model,
      baseUrl: ai.baseUrl,
      mode: ai.probe ? 'probe' : 'config',
      probeTtlMs: ai.probeTtlMs,
    });
  },
  (env) => new RuntimeIndicator(runtimeSettingsFromEnv(env)),
  (env) => templateConfigOptions(env),
  (env) => thresholdsFromEnv(env),
  (env) => resilienceSettingsFromEnv(env),
  (env) => answerTtlsFromEnv(env),
  (env) => configurationFile(env),
  (env) => readInteger(env, 'REDIS_COMMAND_TIMEOUT_MS', 1000, 1),
  (env) => redisSettingsFromEnv(env),
  (env) => apiKeysFromEnv(env),
  (env) => databaseUrl(env),
  (env) => logFormatFromEnv(env),
  (env) => parsePort(env.PORT),
];

/**
 * Runs one reader until it passes: each bad variable is reported and left out, so the next run
 * finds the next one (a reader stops at its first error).
 */
function collect(read: (env: Env) => unknown, env: Readonly<Env>, problems: string[]): void {
  const current: Env = { ...env };
  const standIns = new Set<string>();
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      read(current);
      return;
    } catch (error) {
      if (!(error instanceof HealthConfigurationError)) throw error;
      const named = byVariable(error);
      // A stand-in put there below is not the operator's value: nothing more to learn here.
      if (standIns.has(named.setting)) return;
      problems.push(named.message);
      if (current[named.setting] === undefined) {
        // A variable that must be set and is not: a stand-in lets the reader go on to the rest.
        standIns.add(named.setting);
        current[named.setting] = STAND_IN;
      } else {
        delete current[named.setting];
      }
    }
  }
}

/** What a missing required variable is set to while the rest of its reader is checked. */
const STAND_IN = 'stand-in-value-for-validation';

/** Option names of the library, as the variables that set them here. */
const VARIABLES: Readonly<Record<string, string>> = {
  version: 'APP_VERSION',
  defaultTimeoutMs: 'HEALTH_CHECK_TIMEOUT_MS',
  retries: 'HEALTH_CHECK_RETRY_COUNT',
  cacheTtlMs: 'HEALTH_CHECK_RESULT_TTL_MS',
  failureCacheTtlMs: 'HEALTH_CHECK_FAILURE_TTL_MS',
  evaluationIntervalMs: 'HEALTH_EVALUATION_INTERVAL_MS',
  startupGraceMs: 'HEALTH_STARTUP_GRACE_MS',
  responseBudgetMs: 'HEALTH_RESPONSE_BUDGET_MS',
  'trends.retentionMs': 'HEALTH_TREND_RETENTION_MS',
  details: 'HEALTH_DETAILS',
  probeTimeoutMs: 'HEALTH_PROBE_TIMEOUT_MS',
  shutdownDelayMs: 'HEALTH_SHUTDOWN_DELAY_MS',
  shutdownTimeoutMs: 'HEALTH_SHUTDOWN_TIMEOUT_MS',
  logFormat: 'LOG_FORMAT',
  logTransitions: 'HEALTH_LOG_TRANSITIONS',
  configFile: 'HEALTH_CONFIG_FILE',
  'configFleet.redisUrl': 'HEALTH_CONFIG_REDIS_URL',
  'configFleet.key': 'HEALTH_CONFIG_REDIS_KEY',
  'webhooks.urls': 'HEALTH_WEBHOOK_URLS',
  'webhooks.secret': 'HEALTH_WEBHOOK_SECRET',
  'webhooks.queueSize': 'HEALTH_WEBHOOK_QUEUE_SIZE',
  'webhooks.queueBytes': 'HEALTH_WEBHOOK_QUEUE_BYTES',
  'webhooks.maxAttempts': 'HEALTH_WEBHOOK_MAX_ATTEMPTS',
  'webhooks.attemptTimeoutMs': 'HEALTH_WEBHOOK_TIMEOUT_MS',
  'webhooks.minConsecutive': 'HEALTH_WEBHOOK_MIN_CONSECUTIVE',
  'webhooks.cooldownMs': 'HEALTH_WEBHOOK_COOLDOWN_MS',
  'webhooks.dedup': 'HEALTH_WEBHOOK_DEDUP',
  'webhooks.redisUrl': 'REDIS_URL',
  'webhooks.serviceName': 'HEALTH_SERVICE_NAME',
  'ai_model.apiKey': 'GEMINI_API_KEY',
  'ai_model.model': 'AI_MODEL',
  'ai_model.baseUrl': 'GEMINI_BASE_URL',
  'ai_model.probeTtlMs': 'HEALTH_CHECK_AI_MODEL_PROBE_TTL_MS',
  'runtime.eventLoopDelayDegradedMs': 'HEALTH_RUNTIME_EVENT_LOOP_DELAY_DEGRADED_MS',
  'runtime.eventLoopDelayUnhealthyMs': 'HEALTH_RUNTIME_EVENT_LOOP_DELAY_UNHEALTHY_MS',
  'runtime.heapUsedDegradedRatio': 'HEALTH_RUNTIME_HEAP_DEGRADED_RATIO',
  'runtime.heapUsedUnhealthyRatio': 'HEALTH_RUNTIME_HEAP_UNHEALTHY_RATIO',
  ...Object.fromEntries(
    TEMPLATE_COMPONENTS.map((name) => [
      `components.${name}.timeoutMs`,
      `HEALTH_CHECK_${name.toUpperCase()}_TIMEOUT_MS`,
    ]),
  ),
};

/** The error again, naming the variable instead of the library's option (value kept masked). */
function byVariable(error: HealthConfigurationError): HealthConfigurationError {
  const variable = VARIABLES[error.setting];
  if (!variable) return error;
  const expected = Object.entries(VARIABLES).reduce(
    (text, [option, name]) => text.split(option).join(name),
    error.expected,
  );
  return new HealthConfigurationError(variable, error.value, expected);
}

/** `HEALTH_CONFIG_FILE`: when set, a readable JSON (or .yaml/.yml) file whose every value is valid. */
function configurationFile(env: Env): void {
  const path = readString(env, 'HEALTH_CONFIG_FILE');
  if (path === undefined) return;
  try {
    readConfigurationFile(path);
  } catch (error) {
    const why = error instanceof HealthConfigurationError ? error.message : errorMessage(error);
    throw new HealthConfigurationError(
      'HEALTH_CONFIG_FILE',
      path,
      `a readable JSON or YAML configuration file (${why})`,
    );
  }
}

function errorMessage(error: unknown): string {
  // Duck-typed: errors from Node's fs may come from another realm (Jest).
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(error);
}

/** `DATABASE_URL`: a PostgreSQL URL (`postgres://` or `postgresql://`) when set. */
function databaseUrl(env: Env): void {
  const raw = readString(env, 'DATABASE_URL');
  if (raw === undefined) {
    if (templateEnabledComponents(env).includes('database')) {
      throw new HealthConfigurationError(
        'DATABASE_URL',
        '',
        'a PostgreSQL URL when HEALTH_CHECK_ENABLED_COMPONENTS lists database',
      );
    }
    return;
  }
  let scheme: string;
  try {
    scheme = new URL(raw).protocol;
  } catch {
    scheme = '';
  }
  if (scheme !== 'postgres:' && scheme !== 'postgresql:') {
    throw new HealthConfigurationError(
      'DATABASE_URL',
      raw,
      'a PostgreSQL URL (postgres:// or postgresql://)',
    );
  }
}
