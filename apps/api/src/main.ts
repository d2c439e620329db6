import { NestFactory } from '@nestjs/core';
import { configureApp } from './app.factory';
import { AppModule } from './app.module';
import { parsePort } from './config/app.config';

async function bootstrap(): Promise<void> {
  const port = parsePort(process.env.PORT);
  const app = configureApp(await NestFactory.create(AppModule));
  await app.listen(port);
  console.log(`api listening on ${await app.getUrl()} (GET /v1/health)`);
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
