import { enableGracefulShutdown, Redactor } from '@nest-health/core';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { configureApp } from './app.factory';
import { AppModule } from './app.module';
import { createLogger, logFormatFromEnv } from './config/logging';
import { validateEnvironment } from './config/validate-env';
import { API_DOCS_PATH, serveApiDocs } from './docs/api-docs';
import { templateHealthOptions } from './health/template-preset';

async function bootstrap(): Promise<void> {
  // Fail fast on bad settings with one clear line, before Nest starts and logs stack traces.
  const port = validateEnvironment(process.env);
  const logger = createLogger(
    logFormatFromEnv(process.env),
    templateHealthOptions(process.env).secrets,
  );

  const app = configureApp(await NestFactory.create(AppModule, { abortOnError: false, logger }));
  // SIGTERM: not ready at once, keep serving HEALTH_SHUTDOWN_DELAY_MS (unset: 5 s in production,
  // none elsewhere), then close and exit.
  enableGracefulShutdown(app);
  // Swagger UI at /docs, the OpenAPI document at /docs-json: as the template's FastAPI /docs.
  serveApiDocs(app);
  await app.listen(port);
  new Logger('Api').log(
    `api listening on ${await app.getUrl()} (GET /v1/health, API docs at /${API_DOCS_PATH})`,
  );
}

bootstrap().catch((error: unknown) => {
  // One line per problem (every bad setting at once), never a stack trace, never a secret.
  const message = error instanceof Error ? error.message : String(error);
  console.error(startupRedactor().text(message));
  process.exit(1);
});

/** Masks the configured secrets, when the settings can be read at all; URL passwords always. */
function startupRedactor(): Redactor {
  try {
    return new Redactor(templateHealthOptions(process.env).secrets);
  } catch {
    return new Redactor();
  }
}
