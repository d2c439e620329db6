import type { INestApplication } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import type { Server } from 'node:http';
import { Server as HttpServer } from 'node:http';
import { ConnectionDrain } from './connection-drain';
import { MODULE_OPTIONS_TOKEN } from '../health.module-definition';
import type { HealthModuleOptions } from '../health.options';
import { HEALTH_DEFAULTS, milliseconds } from '../health.options';
import { HealthService } from './health.service';

export interface GracefulShutdownOptions {
  /** How long to keep serving, not ready, before closing. Default: the module's `shutdownDelayMs`. */
  delayMs?: number;
  /** Then how long requests in flight may take. Default: the module's `shutdownTimeoutMs`. */
  timeoutMs?: number;
  /** Default SIGTERM and SIGINT. */
  signals?: readonly NodeJS.Signals[];
  /** Default: Nest's logger, context `GracefulShutdown`. */
  log?: (line: string) => void;
}

/**
 * On SIGTERM (or SIGINT): readiness answers 503 at once while liveness stays 200; for `delayMs`
 * the service keeps serving, every response carries `Connection: close` and idle keep-alive
 * sockets are closed, so load balancers and clients move elsewhere; then the listener stops
 * accepting, requests in flight finish (at most `timeoutMs`), and only then the app closes
 * (the engine last), so the process exits by itself. A second signal closes at once.
 * Returns a function that removes the handlers. Call it before `app.listen()`.
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
  const timeoutMs = milliseconds(
    'shutdownTimeoutMs',
    options.timeoutMs ?? moduleOptions?.shutdownTimeoutMs ?? HEALTH_DEFAULTS.shutdownTimeoutMs,
  );
  const logger = new Logger('GracefulShutdown');
  const log = options.log ?? ((line: string) => logger.log(line));
  const server = app.getHttpServer() as Server | undefined;
  const drain = server instanceof HttpServer ? new ConnectionDrain(server) : undefined;
  if (!drain) log('no Node http.Server to drain: connections are not closed gracefully');
  let timer: NodeJS.Timeout | undefined;
  let closing = false;

  const close = async (graceful: boolean) => {
    if (closing) return;
    closing = true;
    clearTimeout(timer);
    try {
      if (drain && graceful) {
        log('no longer accepting connections; finishing requests in flight');
        const dropped = await drain.close(timeoutMs);
        if (dropped > 0) log(`closed ${dropped} connection(s) still open after ${timeoutMs} ms`);
      }
      drain?.stop();
      log('closing');
      await app.close();
    } catch (error) {
      log(`close failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    }
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (health.isDraining) return void close(false);
    health.startDraining();
    drain?.start();
    log(`${signal} received: draining for ${delayMs} ms, then closing`);
    timer = setTimeout(() => void close(true), delayMs);
  };

  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  for (const signal of signals) process.on(signal, onSignal);
  return () => {
    clearTimeout(timer);
    drain?.stop();
    for (const signal of signals) process.off(signal, onSignal);
  };
}
