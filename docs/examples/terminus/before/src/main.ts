import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule);
  app.enableShutdownHooks(); // on SIGTERM, Terminus waits gracefulShutdownTimeoutMs
  await app.listen(process.env.PORT ?? 3000);
  new Logger('Bootstrap').log(`listening on ${await app.getUrl()}`);
}

void bootstrap();
