import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';

/** Settings every instance of the service gets, in production and in tests alike. */
export function configureApp(app: INestApplication): INestApplication {
  (app as NestExpressApplication).disable('x-powered-by');
  return app;
}

/**
 * On SIGTERM or SIGINT, closes the app (module destroy hooks clear every timer and
 * connection) and lets the process exit by itself once nothing is left running.
 */
export function closeOnSignals(app: INestApplication, log: (line: string) => void): void {
  const close = (signal: NodeJS.Signals) => {
    log(`${signal} received: closing`);
    app.close().catch((error: unknown) => {
      log(`close failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    });
  };
  process.once('SIGTERM', close);
  process.once('SIGINT', close);
}
