import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import process from 'node:process';
import {
  BENCH_SETTINGS,
  BREAKER,
  BenchChecks,
  REDIS,
  createBreaker,
  createRedis,
  settingsFromEnv,
} from './checks.mjs';

/**
 * The anchor of the HTTP benchmarks: a Nest 12 app whose `GET /v1/health` runs the host's four
 * checks through `@nestjs/terminus` 12 (`TERMINUS_CACHE_TTL_MS` > 0: with `cacheFor`), and a
 * `GET /v1/health/live` that runs nothing. Listens on 127.0.0.1:`PORT`, on Express, or on Fastify
 * (`@nestjs/platform-fastify` 12) with `TERMINUS_PLATFORM=fastify`.
 */
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

function route(method, path, decorators = []) {
  const descriptor = Object.getOwnPropertyDescriptor(HealthController.prototype, method);
  for (const decorate of [Get(path), ...decorators]) {
    decorate(HealthController.prototype, method, descriptor);
  }
}

Controller('v1/health')(HealthController);
route('check', '', [HealthCheck({ noCache: true, swaggerDocumentation: false })]);
route('live', 'live');
Reflect.defineMetadata('design:paramtypes', [HealthCheckService, BenchChecks], HealthController);

class AppModule {}

function appModule(settings) {
  Module({
    imports: [TerminusModule.forRoot()],
    controllers: [HealthController],
    providers: [
      { provide: BENCH_SETTINGS, useValue: settings },
      { provide: REDIS, useFactory: () => createRedis(settings) },
      { provide: BREAKER, useFactory: createBreaker },
      BenchChecks,
    ],
  })(AppModule);
  return AppModule;
}

async function createApp(module) {
  const options = { logger: ['error', 'warn'] };
  if (process.env.TERMINUS_PLATFORM === 'fastify') {
    const { FastifyAdapter } = await import('@nestjs/platform-fastify');
    return NestFactory.create(module, new FastifyAdapter(), options);
  }
  const app = await NestFactory.create(module, options);
  app.getHttpAdapter().getInstance().disable('x-powered-by');
  return app;
}

async function main() {
  const settings = settingsFromEnv();
  const app = await createApp(appModule(settings));
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT || 0), '127.0.0.1');
  process.stdout.write(`terminus anchor listening on ${await app.getUrl()}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
