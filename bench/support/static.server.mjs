import { Controller, Get, Module, Res } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Buffer } from 'node:buffer';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import process from 'node:process';

/**
 * The ceiling of the HTTP benchmarks, bench-only: the host service's own AppModule (from the
 * build in `BENCH_API_DIR`, the same code the other variants run) plus one controller,
 * `GET /bench/static` (bench/support/static.constants.ts), that answers a fixed legacy-shaped
 * JSON body of the same size and headers as `GET /v1/health` without asking anything. Same
 * modules, same Express adapter, same settings; only the health work is missing. Listens on
 * 127.0.0.1:`PORT`. Plain ESM with decorators applied as functions, like bench/terminus/, so that
 * it runs under the same `--import` preload as the others without a TypeScript loader.
 */
const BODY = Buffer.from(
  JSON.stringify({
    status: 'healthy',
    timestamp: '2026-11-27T20:44:17.798000',
    version: '1.0.0',
    ai_model_available: true,
    resilience_healthy: true,
    cache_healthy: true,
  }),
  'utf8',
);

class StaticController {
  answer(res) {
    res.statusCode = 200;
    res.setHeader('Content-Type', 'application/json');
    res.setHeader('Content-Length', BODY.length);
    res.setHeader('Cache-Control', 'no-store');
    res.end(BODY);
  }
}

Controller('bench')(StaticController);
const descriptor = Object.getOwnPropertyDescriptor(StaticController.prototype, 'answer');
Get('static')(StaticController.prototype, 'answer', descriptor);
Res()(StaticController.prototype, 'answer', 0);

async function main() {
  const dir = process.env.BENCH_API_DIR;
  if (!dir) throw new Error('BENCH_API_DIR (the built service) is required');
  const require = createRequire(import.meta.url);
  const { AppModule } = require(join(dir, 'app.module.js'));
  const { configureApp } = require(join(dir, 'app.factory.js'));

  class StaticBenchModule {}
  Module({ imports: [AppModule], controllers: [StaticController] })(StaticBenchModule);

  const app = configureApp(await NestFactory.create(StaticBenchModule, { abortOnError: false }));
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
  process.stdout.write(`static bench app listening on ${await app.getUrl()}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
