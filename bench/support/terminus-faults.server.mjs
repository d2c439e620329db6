import 'reflect-metadata';
import { Controller, Get, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  HttpHealthIndicator,
  TerminusModule,
} from '@nestjs/terminus';
import Redis from 'ioredis';
import process from 'node:process';
import { clearTimeout, setTimeout } from 'node:timers';
import pg from 'pg';

/**
 * The Terminus side of the `faults` scenario (bench/scenarios/faults.ts): a Nest app whose
 * `GET /v1/health` checks the same dependencies as the built service, the way Terminus's docs
 * write it, with this repository's own `@nestjs/terminus` 12 on Nest 11 (the bench/terminus
 * anchor has neither pg nor @nestjs/axios):
 *
 * - `cache`: a custom indicator (HealthIndicatorService) that PINGs Redis (`REDIS_URL`) with the
 *   host's ioredis options (no offline queue, 1 s command timeout);
 * - `database` (when `DATABASE_URL` is set): a custom indicator, `SELECT 1` on a one-connection
 *   pg pool, bounded by 2 s (HEALTH_CHECK_TIMEOUT_MS's default; TypeOrm is not installed);
 * - `ai_model` (when `AI_PROBE_URL` is set): Terminus's HttpHealthIndicator `pingCheck` of the
 *   model's URL with the key header and a 2 s timeout (as the host's probe mode, probe TTL 0).
 *
 * Terminus runs them on every request and answers when the slowest has. `GET /v1/health/live`
 * runs nothing. Listens on 127.0.0.1:`PORT`.
 */
const CHECK_TIMEOUT_MS = 2000;

function createRedis(url) {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 2000,
    commandTimeout: Number(process.env.REDIS_COMMAND_TIMEOUT_MS || 1000),
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2000),
  });
  redis.on('error', () => undefined);
  return redis;
}

function within(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

class Checks {
  constructor(indicators, http) {
    this.indicators = indicators;
    this.http = http;
    this.redis = createRedis(process.env.REDIS_URL);
    const databaseUrl = process.env.DATABASE_URL;
    this.pool = databaseUrl
      ? new pg.Pool({ connectionString: databaseUrl, max: 1, connectionTimeoutMillis: 5000 })
      : undefined;
    this.pool?.on('error', () => undefined);
    this.functions = [
      () => this.cache(),
      ...(this.pool ? [() => this.database()] : []),
      ...(process.env.AI_PROBE_URL ? [() => this.aiModel()] : []),
    ];
  }

  async cache() {
    const check = this.indicators.check('cache');
    try {
      if (this.redis.status !== 'ready') throw new Error(`Redis connection ${this.redis.status}`);
      await this.redis.ping();
      return check.up();
    } catch (error) {
      return check.down({ message: error.message });
    }
  }

  async database() {
    const check = this.indicators.check('database');
    try {
      await within(this.pool.query('SELECT 1'), CHECK_TIMEOUT_MS, 'database');
      return check.up();
    } catch (error) {
      return check.down({ message: error.message });
    }
  }

  aiModel() {
    return this.http.pingCheck('ai_model', process.env.AI_PROBE_URL, {
      timeout: CHECK_TIMEOUT_MS,
      headers: { 'x-goog-api-key': process.env.GEMINI_API_KEY ?? '' },
    });
  }

  async onModuleDestroy() {
    this.redis.disconnect();
    await this.pool?.end().catch(() => undefined);
  }
}

class HealthController {
  constructor(health, checks) {
    this.health = health;
    this.checks = checks;
  }

  check() {
    return this.health.check(this.checks.functions);
  }

  live() {
    return 'ok\n';
  }
}

// Decorators applied as functions: no TypeScript, no build step.
function route(method, path, decorators = []) {
  const descriptor = Object.getOwnPropertyDescriptor(HealthController.prototype, method);
  for (const decorate of [Get(path), ...decorators]) {
    decorate(HealthController.prototype, method, descriptor);
  }
}
Controller('v1/health')(HealthController);
route('check', '', [HealthCheck({ noCache: true, swaggerDocumentation: false })]);
route('live', 'live');
Reflect.defineMetadata('design:paramtypes', [HealthCheckService, Checks], HealthController);
Injectable()(Checks);
Reflect.defineMetadata('design:paramtypes', [HealthIndicatorService, HttpHealthIndicator], Checks);

class AppModule {}
Module({
  imports: [TerminusModule.forRoot()],
  controllers: [HealthController],
  providers: [Checks],
})(AppModule);

async function main() {
  const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
  app.getHttpAdapter().getInstance().disable('x-powered-by');
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT || 0), '127.0.0.1');
  process.stdout.write(`terminus faults app listening on ${await app.getUrl()}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
