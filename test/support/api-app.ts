import type { INestApplication, LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { configureApp } from '../../apps/api/src/app.factory';
import { AppModule } from '../../apps/api/src/app.module';

/** Variables the host reads; each test starts from none of them set. */
const HOST_VARIABLES = [
  'APP_VERSION',
  'GEMINI_API_KEY',
  'AI_MODEL',
  'GEMINI_BASE_URL',
  'AI_REQUEST_TIMEOUT_MS',
  'HEALTH_CHECK_AI_MODEL_PROBE',
  'HEALTH_CHECK_AI_MODEL_PROBE_TTL_MS',
  'API_KEY',
  'REDIS_URL',
  'CACHE_REDIS_URL',
  'REDIS_PASSWORD',
  'REDIS_TLS_ENABLED',
  'REDIS_TLS_CA_PATH',
  'REDIS_TLS_CERT_PATH',
  'REDIS_TLS_KEY_PATH',
  'REDIS_VERIFY_CERTIFICATES',
  'ADDITIONAL_API_KEYS',
  'REDIS_COMMAND_TIMEOUT_MS',
  'DATABASE_URL',
  'HEALTH_CHECK_TIMEOUT_MS',
  'HEALTH_CHECK_AI_MODEL_TIMEOUT_MS',
  'HEALTH_CHECK_CACHE_TIMEOUT_MS',
  'HEALTH_CHECK_RESILIENCE_TIMEOUT_MS',
  'HEALTH_CHECK_DATABASE_TIMEOUT_MS',
  'HEALTH_CHECK_RUNTIME_TIMEOUT_MS',
  'HEALTH_CHECK_RETRY_COUNT',
  'HEALTH_CHECK_ENABLED_COMPONENTS',
  'HEALTH_CHECK_RESULT_TTL_MS',
  'HEALTH_CHECK_FAILURE_TTL_MS',
  'HEALTH_DETAILS',
  'HEALTH_SHUTDOWN_DELAY_MS',
  'HEALTH_SHUTDOWN_TIMEOUT_MS',
  'HEALTH_PROBE_TIMEOUT_MS',
  'HEALTH_STARTUP_GRACE_MS',
  'LOG_FORMAT',
  'HEALTH_TREND_INTERVAL_MS',
  'HEALTH_EVALUATION_INTERVAL_MS',
  'HEALTH_DETAILS_KEYS',
  'HEALTH_ADMIN_KEYS',
  'HEALTH_METRICS_TOKEN',
  'HEALTH_CONFIG_FILE',
  'HEALTH_CONFIG_REDIS_URL',
  'HEALTH_CONFIG_REDIS_KEY',
  'HEALTH_WEBHOOK_REDIS_URL',
  'HEALTH_TREND_RETENTION_MS',
  'HEALTH_WEBHOOK_URLS',
  'HEALTH_WEBHOOK_SECRET',
  'HEALTH_WEBHOOK_INCLUDE_DETAILS',
  'HEALTH_WEBHOOK_QUEUE_SIZE',
  'HEALTH_WEBHOOK_QUEUE_BYTES',
  'HEALTH_WEBHOOK_MAX_ATTEMPTS',
  'HEALTH_WEBHOOK_TIMEOUT_MS',
  'HEALTH_WEBHOOK_MIN_CONSECUTIVE',
  'HEALTH_WEBHOOK_COOLDOWN_MS',
  'HEALTH_WEBHOOK_DEDUP',
  'HEALTH_SERVICE_NAME',
  'HEALTH_RUNTIME_HEAP_UNHEALTHY_RATIO',
  'HEALTH_CACHE_MIN_HIT_RATIO',
  'HEALTH_CACHE_MAX_AVG_OPERATION_MS',
  'HEALTH_CACHE_MIN_OPERATIONS',
  'HEALTH_RESILIENCE_DEGRADED_WHEN_OPEN',
  'HEALTH_RESILIENCE_UNHEALTHY_WHEN_OPEN',
  'HEALTH_RUNTIME_HEAP_DEGRADED_RATIO',
  'HEALTH_RUNTIME_EVENT_LOOP_DELAY_UNHEALTHY_MS',
  'HEALTH_RUNTIME_EVENT_LOOP_DELAY_DEGRADED_MS',
  'RESILIENCE_PRESET',
  'RESILIENCE_CUSTOM_CONFIG',
  'SUMMARIZE_RESILIENCE_STRATEGY',
  'SENTIMENT_RESILIENCE_STRATEGY',
  'KEY_POINTS_RESILIENCE_STRATEGY',
  'QUESTIONS_RESILIENCE_STRATEGY',
  'QA_RESILIENCE_STRATEGY',
  'CACHE_CUSTOM_CONFIG',
];

/** Boots `apps/api` in-process with exactly these variables set. */
export async function createApiApp(
  env: Record<string, string> = {},
  logger: LoggerService | false = false,
): Promise<INestApplication> {
  for (const name of HOST_VARIABLES) delete process.env[name];
  Object.assign(process.env, env);
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
    .setLogger(logger || silentLogger)
    .compile();
  const app = configureApp(moduleRef.createNestApplication({ logger }));
  await app.init();
  return app;
}

const silentLogger: LoggerService = {
  log: () => undefined,
  error: () => undefined,
  warn: () => undefined,
};

/** A logger that keeps every line, to assert on what the service printed. */
export class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  log = (...parts: unknown[]) => this.keep('log', parts);
  error = (...parts: unknown[]) => this.keep('error', parts);
  warn = (...parts: unknown[]) => this.keep('warn', parts);
  debug = (...parts: unknown[]) => this.keep('debug', parts);
  verbose = (...parts: unknown[]) => this.keep('verbose', parts);

  get text(): string {
    return this.lines.join('\n');
  }

  private keep(level: string, parts: unknown[]): void {
    this.lines.push(
      `${level} ${parts.map((p) => (p instanceof Error ? p.stack : String(p))).join(' ')}`,
    );
  }
}
