/**
 * The app of test/terminus.e2e-spec.ts, run in a child process (Jest, CommonJS, cannot load
 * Terminus 12, an ES module; Node's own `require` can). The same real Terminus indicators are
 * served twice, side by side:
 *
 * - `GET /terminus/health` and `/terminus/slow`: a Terminus controller, as Terminus's docs write
 *   it (`HealthCheckService.check([...])`);
 * - `GET /health` and `/health/slow`: the same calls registered in HealthModule with
 *   `terminusCheck`, served in Terminus's format by `HealthTerminusModule`.
 *
 * `POST /control?heap=up|down&disk=up|down|throws&queue=up|degraded` sets what the indicators
 * find; `GET /control` reads it back. Env: `DOCS_URL` (an HTTP server the test runs),
 * `SLOW_URL` (a server that never answers), `PORT`.
 */
import 'reflect-metadata';
import { Controller, Get, Injectable, Module, Post, Query } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  DiskHealthIndicator,
  HealthCheckService,
  HealthIndicatorService,
  HttpHealthIndicator,
  MemoryHealthIndicator,
  TerminusModule,
} from '@nestjs/terminus';
import { HealthModule } from '@nest-health/core';
import { HealthMetricsModule } from '@nest-health/core/metrics';
import { HealthTerminusModule, terminusCheck } from '@nest-health/core/terminus';

const state = {
  heap: 'up' as 'up' | 'down',
  disk: 'up' as 'up' | 'down' | 'throws',
  queue: 'up' as 'up' | 'degraded',
};

const DOCS_URL = process.env.DOCS_URL ?? 'http://127.0.0.1:9';
const SLOW_URL = process.env.SLOW_URL ?? 'http://127.0.0.1:9';
const MISSING_PATH = '/nonexistent-terminus-e2e';

/** The indicator calls, written once and used by both sides. */
@Injectable()
class Indicators {
  constructor(
    private readonly memory: MemoryHealthIndicator,
    private readonly disk: DiskHealthIndicator,
    private readonly http: HttpHealthIndicator,
    private readonly indicators: HealthIndicatorService,
  ) {}

  heap = () => this.memory.checkHeap('heap', state.heap === 'up' ? Number.MAX_SAFE_INTEGER : 1);

  storage = () =>
    this.disk.checkStorage('disk', {
      path: state.disk === 'throws' ? MISSING_PATH : '/',
      thresholdPercent: state.disk === 'up' ? 1 : 0,
    });

  docs = () => this.http.pingCheck('docs', DOCS_URL);

  /** A custom indicator written with Terminus 12's HealthIndicatorService. */
  queue = () => {
    const check = this.indicators.check('queue');
    return state.queue === 'up' ? check.up({ lag: 0 }) : check.degraded({ lag: 40 });
  };

  slow = () => this.http.pingCheck('slow', SLOW_URL);
}

@Module({
  imports: [TerminusModule.forRoot({ gracefulShutdownTimeoutMs: 5000 })],
  providers: [Indicators],
  exports: [Indicators, TerminusModule],
})
class IndicatorsModule {}

/** Terminus's own controller. */
@Controller('terminus')
class TerminusController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: Indicators,
  ) {}

  @Get('health')
  check() {
    const { heap, storage, docs, queue } = this.indicators;
    return this.health.check([heap, storage, docs, queue]);
  }

  @Get('slow')
  slow() {
    return this.health.check([this.indicators.slow]);
  }
}

@Controller('control')
class ControlController {
  @Post()
  set(@Query() query: Partial<typeof state>): typeof state {
    Object.assign(state, query);
    return state;
  }

  @Get()
  get(): typeof state {
    return state;
  }
}

const main = { tags: ['main'] };

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
          terminusCheck('heap', indicators.heap, main),
          terminusCheck('disk', indicators.storage, main),
          terminusCheck('docs', indicators.docs, main),
          terminusCheck('queue', indicators.queue, main),
          terminusCheck('slow', indicators.slow, {
            tags: ['slow'],
            critical: false,
            timeoutMs: 500,
          }),
        ],
      }),
      http: { redirect: false },
    }),
    HealthTerminusModule.forRoot({ path: 'health', tags: ['main'] }),
    HealthTerminusModule.forRoot({ path: 'health/slow', tags: ['slow'] }),
    HealthMetricsModule.forRoot(),
  ],
  controllers: [TerminusController, ControlController],
})
class AppModule {}

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
  process.stdout.write(`listening on ${await app.getUrl()}\n`);
}

bootstrap().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
