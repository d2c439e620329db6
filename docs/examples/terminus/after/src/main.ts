import { enableGracefulShutdown } from '@nest-health/core';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule);
  // Instead of app.enableShutdownHooks(): on SIGTERM, readiness and /health answer 503 for
  // shutdownDelayMs while the app keeps serving, then it drains its connections and closes.
  enableGracefulShutdown(app);
  await app.listen(process.env.PORT ?? 3000);
  new Logger('Bootstrap').log(`listening on ${await app.getUrl()}`);
}

void bootstrap();
