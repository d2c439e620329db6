import { healthOptionsFromEnv } from '@app/health';
import { NestFactory } from '@nestjs/core';
import { closeOnSignals, configureApp } from './app.factory';
import { AppModule } from './app.module';
import { parsePort } from './config/app.config';

async function bootstrap(): Promise<void> {
  // Fail fast on bad settings with one clear line, before Nest starts and logs stack traces.
  const port = parsePort(process.env.PORT);
  healthOptionsFromEnv(process.env);

  const app = configureApp(await NestFactory.create(AppModule, { abortOnError: false }));
  closeOnSignals(app, (line) => console.log(line));
  await app.listen(port);
  console.log(`api listening on ${await app.getUrl()} (GET /v1/health)`);
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
