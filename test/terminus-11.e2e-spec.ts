/**
 * Terminus 11 (CommonJS, Nest 10/11; the version most Nest 11 apps run) with the packed
 * `@nest-health/core`: installed with npm into a throwaway Nest 11 app (as test/consumers does),
 * compiled with tsc, run with node. Terminus 11's own indicators and a custom indicator in the
 * deprecated style (extends `HealthIndicator`, throws `HealthCheckError`) are served by
 * Terminus's HealthCheckService and by HealthModule side by side; the bodies are compared.
 * Terminus 12 (an ES module) is covered by terminus.e2e-spec.ts and the Nest 12 consumer app.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HttpAnswer, RunResult, RunningApp } from './consumers/consumer-app';
import {
  compile,
  createWorkspace,
  ensureLibraryBuilt,
  errorLines,
  get,
  json,
  killAll,
  npmInstall,
  packLibrary,
  peerWarnings,
  removeWorkspace,
  snapshotLibrary,
  startApp,
  stopApp,
  TYPE_ROOTS,
  writeFiles,
} from './consumers/consumer-app';
import { nestDependencies, packageJson, tsconfigJson } from './consumers/consumer-sources';

const TERMINUS_11 = '~11.1.1';

const APP_MODULE = `import { Controller, Get, Injectable, Module, Post, Query } from '@nestjs/common';
import {
  DiskHealthIndicator,
  HealthCheckError,
  HealthCheckService,
  HealthIndicator,
  MemoryHealthIndicator,
  TerminusModule,
} from '@nestjs/terminus';
import type { HealthIndicatorResult } from '@nestjs/terminus';
import { HealthModule } from '@nest-health/core';
import { HealthTerminusModule, terminusCheck } from '@nest-health/core/terminus';

const state = { heap: 'up', disk: 'up', orders: 'up' };

/** A custom indicator in Terminus 10/11's style, deprecated but everywhere. */
@Injectable()
export class OrdersIndicator extends HealthIndicator {
  async isHealthy(key: string): Promise<HealthIndicatorResult> {
    if (state.orders === 'throws') throw new Error('connect ECONNREFUSED 127.0.0.1:5672');
    const healthy = state.orders === 'up';
    const result = this.getStatus(key, healthy, { queue: 'orders', pending: healthy ? 0 : 950 });
    if (healthy) return result;
    throw new HealthCheckError('Orders queue check failed', result);
  }
}

@Injectable()
export class Indicators {
  constructor(
    private readonly memory: MemoryHealthIndicator,
    private readonly disk: DiskHealthIndicator,
    private readonly orders: OrdersIndicator,
  ) {}

  heap = () => this.memory.checkHeap('heap', state.heap === 'up' ? Number.MAX_SAFE_INTEGER : 1);
  storage = () =>
    this.disk.checkStorage('disk', { path: '/', thresholdPercent: state.disk === 'up' ? 1 : 0 });
  queue = () => this.orders.isHealthy('orders');
}

@Module({
  imports: [TerminusModule],
  providers: [OrdersIndicator, Indicators],
  exports: [Indicators, TerminusModule],
})
export class IndicatorsModule {}

@Controller('terminus')
export class TerminusController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: Indicators,
  ) {}

  @Get('health')
  check() {
    const { heap, storage, queue } = this.indicators;
    return this.health.check([heap, storage, queue]);
  }
}

@Controller('control')
export class ControlController {
  @Post()
  set(@Query() query: Record<string, string>) {
    return Object.assign(state, query);
  }
}

@Module({
  imports: [
    IndicatorsModule,
    HealthModule.forRootAsync({
      imports: [IndicatorsModule],
      inject: [Indicators],
      useFactory: (indicators: Indicators) => ({
        details: 'always' as const,
        evaluationIntervalMs: 0,
        // Side by side with Terminus, which waits for every indicator: ours waits too (a check's
        // own timeout bounds it), so both answer about the same run.
        responseBudgetMs: 5000,
        checks: [
          terminusCheck('heap', indicators.heap),
          terminusCheck('disk', indicators.storage),
          terminusCheck('orders', indicators.queue),
        ],
      }),
      http: { redirect: false },
    }),
    HealthTerminusModule.forRoot({ path: 'health' }),
  ],
  controllers: [TerminusController, ControlController],
})
export class AppModule {}
`;

const MAIN = `import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
  console.log(\`listening on \${await app.getUrl()}\`);
}

bootstrap().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
`;

const SPEC = {
  name: 'nest11-terminus11',
  nest: 11,
  platform: 'express',
  resolution: 'node10',
} as const;

jest.setTimeout(30_000);

let workspace: string | undefined;
let dir = '';
let install: RunResult | undefined;
let app: RunningApp | undefined;
let failure: Error | undefined;

beforeAll(async () => {
  workspace = createWorkspace();
  dir = join(workspace, SPEC.name);
  try {
    await ensureLibraryBuilt();
    const lib = await snapshotLibrary(join(workspace, 'lib'));
    const tarball = await packLibrary(lib, join(workspace, 'pack'));
    writeFiles(dir, {
      'package.json': packageJson(SPEC, {
        '@nest-health/core': `file:${tarball}`,
        ...nestDependencies(11, 'express'),
        '@nestjs/terminus': TERMINUS_11,
      }),
      'tsconfig.json': tsconfigJson(SPEC, TYPE_ROOTS),
      'src/app.module.ts': APP_MODULE,
      'src/main.ts': MAIN,
    });
    install = await npmInstall(dir);
    await compile(dir);
    app = await startApp(dir);
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
  }
}, 8 * 60_000);

afterAll(async () => {
  try {
    await killAll(5000);
  } finally {
    removeWorkspace(workspace);
  }
}, 60_000);

function running(): RunningApp {
  if (failure) throw failure;
  if (!app) throw new Error('the app is not running');
  return app;
}

async function set(query: string): Promise<void> {
  const res = await fetch(`${running().url}/control?${query}`, { method: 'POST' });
  expect(res.status).toBe(201);
}

async function both(): Promise<{ ours: HttpAnswer; terminus: HttpAnswer }> {
  const { url } = running();
  const [ours, terminus] = await Promise.all([get(`${url}/health`), get(`${url}/terminus/health`)]);
  return { ours, terminus };
}

describe('Terminus 11 with Nest 11 and the packed package', () => {
  it('installs without peer-dependency conflicts: Terminus 11, one Nest', () => {
    running();
    expect(peerWarnings(`${install?.stdout}\n${install?.stderr}`)).toEqual([]);
    const terminus = JSON.parse(
      readFileSync(join(dir, 'node_modules/@nestjs/terminus/package.json'), 'utf8'),
    ) as { version: string };
    expect(terminus.version).toMatch(/^11\./);
    expect(existsSync(join(dir, 'node_modules/@nest-health/core/node_modules'))).toBe(false);
    expect(existsSync(join(dir, 'node_modules/@nestjs/terminus/node_modules/@nestjs'))).toBe(false);
  });

  it('all up: both 200, the same body', async () => {
    await set('heap=up&disk=up&orders=up');
    const { ours, terminus } = await both();
    expect(terminus.status).toBe(200);
    expect(json(terminus)).toEqual({
      status: 'ok',
      info: {
        heap: { status: 'up' },
        disk: { status: 'up' },
        orders: { status: 'up', queue: 'orders', pending: 0 },
      },
      error: {},
      details: {
        heap: { status: 'up' },
        disk: { status: 'up' },
        orders: { status: 'up', queue: 'orders', pending: 0 },
      },
    });
    expect([ours.status, json(ours)]).toEqual([terminus.status, json(terminus)]);
  });

  it('down, and a thrown HealthCheckError: both 503, the same body', async () => {
    await set('heap=down&disk=down&orders=down');
    const { ours, terminus } = await both();
    expect(terminus.status).toBe(503);
    expect(json<{ error: unknown }>(terminus).error).toEqual({
      heap: { status: 'down', message: 'Used heap exceeded the set threshold' },
      disk: { status: 'down', message: 'Used disk storage exceeded the set threshold' },
      orders: { status: 'down', queue: 'orders', pending: 950 },
    });
    expect([ours.status, json(ours)]).toEqual([terminus.status, json(terminus)]);
  });

  it('an indicator that throws: Terminus 11 answers 500; we answer 503 and say why', async () => {
    await set('heap=up&disk=up&orders=throws');
    const { ours, terminus } = await both();
    expect([terminus.status, json(terminus)]).toEqual([
      500,
      { statusCode: 500, message: 'Internal server error' },
    ]);
    expect(ours.status).toBe(503);
    expect(json<{ status: string; error: unknown }>(ours)).toEqual(
      expect.objectContaining({
        status: 'error',
        error: {
          orders: {
            attempts: 2,
            message: 'orders check failed: connect ECONNREFUSED 127.0.0.1:5672',
            status: 'down',
          },
        },
      }),
    );
  });

  it('SIGTERM: exits cleanly, having printed no error but those the tests caused', async () => {
    const stopped = await stopApp(running(), 10_000);
    expect(stopped.killed).toBe(false);
    // Terminus logs its failed checks and its 500 (with a stack); HealthModule logs transitions.
    const expected =
      /Health Check has failed|HealthTransitions|ExceptionsHandler|ECONNREFUSED 127\.0\.0\.1:5672|^\s+at /;
    const unexpected = errorLines(running().output()).filter((line) => !expected.test(line));
    expect(unexpected).toEqual([]);
  });
});
