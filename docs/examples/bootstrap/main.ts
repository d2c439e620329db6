// The README's bootstrap, as a file: CommonJS (no top-level await), graceful shutdown.
// test/bootstrap-example.e2e-spec.ts compiles it with a CommonJS tsconfig, runs it, and sends it
// SIGTERM.
import { enableGracefulShutdown } from '@nest-health/core';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule);
  app.setGlobalPrefix('api');
  // SIGTERM or SIGINT: readiness answers 503 at once, the app keeps serving for shutdownDelayMs
  // (5 s by default), then stops accepting, finishes requests in flight, closes and exits.
  // It replaces app.enableShutdownHooks(): do not call both (Nest would close without the drain).
  enableGracefulShutdown(app);
  await app.listen(process.env.PORT ?? 3000);
  new Logger('Bootstrap').log(`listening on ${await app.getUrl()}`);
}

void bootstrap();
