import { Controller, Get, Global, Module, Res } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { Buffer } from 'node:buffer';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';

/**
 * Bench-only harness around the built service (`BENCH_API_DIR`, a snapshot of dist/apps/api), for
 * the scenarios that need to look inside it. The product is not changed: this file boots the
 * host's own AppModule the way main.ts does (without the API docs), or the same service without
 * its health infrastructure, and answers commands over IPC.
 *
 * Environment:
 * - BENCH_PLATFORM: `express` (default, with the host's configureApp) or `fastify`
 *   (`@nestjs/platform-fastify` 11 from the root's node_modules);
 * - BENCH_HEALTH: `on` (default) or `off`: the same modules (config, AI, cache, resilience, the
 *   text API) without HealthModule, its metrics and webhooks modules and the host's checks; the
 *   domain service's `HealthService` is a stand-in that holds nothing;
 * - BENCH_EXTRA_CHECKS: that many more synchronous checks (`extra_000`...), registered at start;
 * - BENCH_STATIC: `1` adds `GET /bench/static`, a fixed legacy-shaped body (the ceiling);
 * - PORT.
 *
 * IPC commands (besides `bench:heap`, answered by preload.mjs):
 * - `bench:fill`: what the memory budget counts at its fullest: a full evaluation, 24 h of trend
 *   samples (at the store's capacity), every webhook queue full, the event stream's replay
 *   buffer full when the build has one, and one `/metrics` scrape;
 * - `bench:latency` `{ name, runs }`: runs that built-in indicator's `check()` `runs` times in a
 *   row, as the engine does (an AbortSignal each), and answers the durations in ms. The host's
 *   own checks, or the package's indicators it does not build (`http` on its liveness route,
 *   `tcp` on its port, `dns` of localhost, `disk` of the temporary folder, `grpc` against an
 *   in-process grpc.health.v1 server).
 */
const dir = process.env.BENCH_API_DIR;
if (!dir) throw new Error('BENCH_API_DIR (the built service) is required');
const platform = process.env.BENCH_PLATFORM ?? 'express';
const healthOn = (process.env.BENCH_HEALTH ?? 'on') === 'on';
const extraChecks = Number(process.env.BENCH_EXTRA_CHECKS ?? 0);
const withStatic = process.env.BENCH_STATIC === '1';

// Everything from the service's own resolution: the package as the service loads it.
const serviceRequire = createRequire(join(dir, 'main.js'));
const core = (path = '') => serviceRequire(`@nest-health/core${path}`);
const coreFile = (path) => join(serviceRequire.resolve('@nest-health/core'), '..', path);
const api = (path) => serviceRequire(join(dir, path));

const STATIC_BODY = Buffer.from(
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
    const raw = res.raw ?? res;
    raw.statusCode = 200;
    raw.setHeader('Content-Type', 'application/json');
    raw.setHeader('Content-Length', STATIC_BODY.length);
    raw.setHeader('Cache-Control', 'no-store');
    raw.end(STATIC_BODY);
  }
}
Controller('bench')(StaticController);
const answer = Object.getOwnPropertyDescriptor(StaticController.prototype, 'answer');
Get('static')(StaticController.prototype, 'answer', answer);
Res()(StaticController.prototype, 'answer', 0);

/** The host's modules without the health infrastructure; `HealthService` is a stand-in. */
function withoutHealth() {
  const { HealthService } = core();
  class HealthStandIn {}
  Global()(HealthStandIn);
  Module({
    providers: [
      {
        provide: HealthService,
        useValue: { isHealthy: () => true, getLastStatus: () => undefined, version: '1.0.0' },
      },
    ],
    exports: [HealthService],
  })(HealthStandIn);
  return [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true }),
    HealthStandIn,
    api('ai/ai.module.js').AiModule,
    api('cache/cache.module.js').CacheModule,
    api('resilience/resilience.module.js').ResilienceModule,
    api('text-processing/text-processing.module.js').TextProcessingModule,
  ];
}

async function createApp() {
  class BenchHostModule {}
  const imports = healthOn ? [api('app.module.js').AppModule] : withoutHealth();
  Module({ imports, controllers: withStatic ? [StaticController] : [] })(BenchHostModule);
  const options = { abortOnError: false, logger: ['error', 'warn'] };
  if (platform === 'fastify') {
    const { FastifyAdapter } = serviceRequire('@nestjs/platform-fastify');
    return NestFactory.create(BenchHostModule, new FastifyAdapter(), options);
  }
  return api('app.factory.js').configureApp(await NestFactory.create(BenchHostModule, options));
}

const healthy = { status: 'healthy' };

function registerExtraChecks(app) {
  const health = app.get(core().HealthService);
  for (let i = 0; i < extraChecks; i++) {
    health.register({ name: `extra_${String(i).padStart(3, '0')}`, check: () => healthy });
  }
}

/** The app's instance of an internal provider, found by its class or token in the package. */
function internal(app, file, name) {
  const path = coreFile(file);
  if (!existsSync(path)) return undefined;
  const token = serviceRequire(path)[name];
  try {
    return app.get(token, { strict: false });
  } catch {
    return undefined;
  }
}

/** heapUsed + arrayBuffers after two full collections (`--expose-gc`), or NaN without. */
function heldBytes() {
  if (typeof globalThis.gc !== 'function') return NaN;
  globalThis.gc();
  globalThis.gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

async function fill(app, base) {
  const health = app.get(core().HealthService);
  const report = await health.check();
  const filled = { components: report.components.length };
  // What each part adds, measured here between full collections.
  const added = {};
  let before = heldBytes();
  const part = (name) => {
    const now = heldBytes();
    added[name] = now - before;
    before = now;
  };

  // 24 h of trends: as many reports as the store keeps, ten seconds apart.
  const store = internal(app, 'trends/trend.store.js', 'TREND_STORE');
  if (store && store.capacity > 0) {
    const start = report.timestamp - store.capacity * 10;
    for (let i = 0; i < store.capacity; i++) {
      store.record({ ...report, timestamp: start + i * 10 });
    }
    filled.trendSamplesPerComponent = store.capacity;
    filled.trendBytes = store.byteLength;
  }
  part('trends');

  // Every webhook queue full: one event in flight (the receiver never answers) and `queueSize`
  // waiting, each a full report of every component, as a real transition would queue them.
  const notifier = internal(app, 'webhooks/webhook.notifier.js', 'WebhookNotifier');
  if (notifier?.enabled) {
    const size = notifier.settings.queueSize;
    for (let i = 0; i <= size; i++) {
      const component = report.components[i % report.components.length].name;
      notifier.announce({ component, previous: 'healthy', current: 'unhealthy' }, report);
    }
    filled.webhookPending = notifier.stats().pending;
    filled.webhookQueues = notifier.queues.length;
  }
  part('webhooks');

  // The event stream's replay buffer, when the build has one, at its fullest: reports in which
  // one component after another changes status, until `replay` events (transitions and the
  // latest report) are kept, with both frames built (clients with and without details).
  const stream = internal(app, 'http/event-stream.js', 'HealthEventStream');
  if (stream && typeof stream.observe === 'function') {
    const kept = stream.settings.replay;
    for (let i = 0; i <= 2 * kept + 2; i++) {
      const flipped = i % report.components.length;
      const components = report.components.map((c, j) => ({
        ...c,
        status: j === flipped && i % 2 === 1 ? 'degraded' : c.status,
        metadata: { ...c.metadata },
      }));
      stream.lastReportAt = -Infinity;
      stream.observe({ ...report, components, timestamp: report.timestamp + i }, true);
    }
    for (const event of stream.log.events) {
      event.frame(false);
      event.frame(true);
    }
    filled.eventsKept = stream.log.events.length;
  }
  part('events');

  // The metrics registry with every component's series, as after a scrape.
  const scrape = await globalThis.fetch(`${base}/metrics`);
  filled.metricsBytes = (await scrape.text()).length;
  filled.metricsStatus = scrape.status;
  part('metrics');
  return { ...filled, added };
}

/** The package's indicators the host does not build, made on demand: each against a local target. */
const packageIndicators = new Map();

async function packageIndicator(name) {
  if (packageIndicators.has(name)) return packageIndicators.get(name);
  const { HttpIndicator, TcpIndicator, DnsIndicator, DiskIndicator } = core();
  const port = Number(process.env.PORT);
  const make = {
    // The host's own liveness probe: a fresh loopback connection per check, as in production.
    http: () => new HttpIndicator({ url: `http://127.0.0.1:${port}/v1/health/live` }),
    tcp: () => new TcpIndicator({ host: '127.0.0.1', port }),
    dns: () => new DnsIndicator({ hostname: 'localhost' }),
    disk: () => new DiskIndicator({ path: tmpdir() }),
    grpc: async () => new (core('/grpc').GrpcIndicator)({ address: await startGrpcHealthServer() }),
  }[name];
  const indicator = make ? await make() : undefined;
  packageIndicators.set(name, indicator);
  return indicator;
}

/** An in-process grpc.health.v1 server (SERVING), as a gRPC dependency on loopback. */
async function startGrpcHealthServer() {
  const grpc = serviceRequire('@grpc/grpc-js');
  const identity = (bytes) => bytes;
  const server = new grpc.Server();
  const method = {
    path: '/grpc.health.v1.Health/Check',
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  };
  server.addService({ Check: method }, { Check: (_call, callback) => callback(null, SERVING) });
  const port = await new Promise((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return `127.0.0.1:${port}`;
}

const SERVING = Buffer.from([0x08, 0x01]);

async function latency(app, name, runs) {
  const { HostHealthChecks } = api('health/host-health-checks.js');
  const indicator =
    app.get(HostHealthChecks).checks.find((check) => check.name === name) ??
    (await packageIndicator(name));
  if (!indicator) throw new Error(`no built-in indicator ${name} (enabled components?)`);
  const samples = new Array(runs);
  const statuses = {};
  for (let i = 0; i < runs; i++) {
    const controller = new globalThis.AbortController();
    const started = performance.now();
    const result = await indicator.check(controller.signal);
    samples[i] = performance.now() - started;
    statuses[result.status] = (statuses[result.status] ?? 0) + 1;
  }
  return { samples, statuses };
}

async function main() {
  const app = await createApp();
  if (healthOn && extraChecks > 0) registerExtraChecks(app);
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
  const base = `http://127.0.0.1:${process.env.PORT}`;
  process.on('message', (message) => {
    const reply = (body) => process.send({ ...body, id: message.id });
    const failed = (error) => reply({ type: `${message.type}:error`, error: String(error?.stack) });
    if (message?.type === 'bench:fill') {
      fill(app, base).then((filled) => reply({ type: 'bench:fill', filled }), failed);
    } else if (message?.type === 'bench:latency') {
      latency(app, message.name, message.runs).then(
        (result) => reply({ type: 'bench:latency', ...result }),
        failed,
      );
    }
  });
  // The listener refs the IPC channel: the channel alone must not keep the process running.
  process.channel?.unref();
  process.stdout.write(`bench host (${platform}, health ${healthOn ? 'on' : 'off'}) on ${base}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
