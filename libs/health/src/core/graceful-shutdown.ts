import type { INestApplication } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { MODULE_OPTIONS_TOKEN } from '../health.module-definition';
import type { HealthModuleOptions } from '../health.options';
import { HEALTH_DEFAULTS, milliseconds } from '../health.options';
import { HealthService } from './health.service';

export interface GracefulShutdownOptions {
  /** How long to keep serving, not ready, before closing. Default: the module's `shutdownDelayMs`. */
  delayMs?: number;
  /** Default SIGTERM and SIGINT. */
  signals?: readonly NodeJS.Signals[];
  /** Default: Nest's logger, context `GracefulShutdown`. */
  log?: (line: string) => void;
}

/**
 * On SIGTERM (or SIGINT): readiness answers 503 at once while liveness stays 200, the service
 * keeps serving for `delayMs` so load balancers take it out, then the app closes and every
 * timer and connection is released, so the process exits by itself. A second signal closes at
 * once. Returns a function that removes the handlers.
 */
export function enableGracefulShutdown(
  app: INestApplication,
  options: GracefulShutdownOptions = {},
): () => void {
  const health = app.get(HealthService);
  const moduleOptions = app.get<HealthModuleOptions | undefined>(MODULE_OPTIONS_TOKEN, {
    strict: false,
  });
  const delayMs = milliseconds(
    'shutdownDelayMs',
    options.delayMs ?? moduleOptions?.shutdownDelayMs ?? HEALTH_DEFAULTS.shutdownDelayMs,
  );
  const logger = new Logger('GracefulShutdown');
  const log = options.log ?? ((line: string) => logger.log(line));
  let timer: NodeJS.Timeout | undefined;
  let closing = false;

  const close = () => {
    if (closing) return;
    closing = true;
    clearTimeout(timer);
    log('closing');
    app.close().catch((error: unknown) => {
      log(`close failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (health.isDraining) return close();
    health.startDraining();
    log(`${signal} received: draining for ${delayMs} ms, then closing`);
    timer = setTimeout(close, delayMs);
  };

  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  for (const signal of signals) process.on(signal, onSignal);
  return () => {
    clearTimeout(timer);
    for (const signal of signals) process.off(signal, onSignal);
  };
}
