import type { INestApplication } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import type { Server } from 'node:http';
import { Server as HttpServer } from 'node:http';
import { ConnectionDrain } from './connection-drain';
import { HEALTH_MODULE_OPTIONS } from '../shared/tokens';
import { milliseconds } from '../shared/validate';
import { HealthService } from './health.service';

/** The drain's settings in HealthModule's options. */
export interface ShutdownOptions {
  /** How long the service keeps serving, not ready, after SIGTERM. Default 5000. */
  shutdownDelayMs?: number;
  /** Then, how long requests in flight may take to finish before sockets are closed. Default 10000. */
  shutdownTimeoutMs?: number;
}

export const SHUTDOWN_DEFAULTS = { shutdownDelayMs: 5000, shutdownTimeoutMs: 10_000 } as const;

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
  const moduleOptions = app.get<ShutdownOptions | undefined>(HEALTH_MODULE_OPTIONS, {
    strict: false,
  });
  const delayMs = milliseconds(
    'shutdownDelayMs',
    options.delayMs ?? moduleOptions?.shutdownDelayMs ?? SHUTDOWN_DEFAULTS.shutdownDelayMs,
  );
  const timeoutMs = milliseconds(
    'shutdownTimeoutMs',
    options.timeoutMs ?? moduleOptions?.shutdownTimeoutMs ?? SHUTDOWN_DEFAULTS.shutdownTimeoutMs,
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
