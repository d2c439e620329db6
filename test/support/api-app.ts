import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { configureApp } from '../../apps/api/src/app.factory';
import { AppModule } from '../../apps/api/src/app.module';

/** Variables the host reads; each test starts from none of them set. */
const HOST_VARIABLES = [
  'APP_VERSION',
  'GEMINI_API_KEY',
  'AI_MODEL',
  'API_KEY',
  'REDIS_URL',
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
];

/** Boots `apps/api` in-process with exactly these variables set. */
export async function createApiApp(env: Record<string, string> = {}): Promise<INestApplication> {
  for (const name of HOST_VARIABLES) delete process.env[name];
  Object.assign(process.env, env);
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  const app = configureApp(moduleRef.createNestApplication({ logger: false }));
  await app.init();
  return app;
}
