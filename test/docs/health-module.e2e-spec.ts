// The examples of docs/health-module.md (and the README's environment block), run: each ```ts
// block of the guide is an excerpt of this file (test/doc-examples.e2e-spec.ts checks it).
import type { HealthIndicator, HealthWriter, IndicatorResult } from '@nest-health/core';
import {
  HealthModule,
  HealthStatus,
  healthOptionsFromEnv,
  RegisterHealthIndicator,
} from '@nest-health/core';
import { HEALTH_EVALUATION_JOB, HealthService } from '@nest-health/core';
import { SchedulerRegistry } from '@nestjs/schedule';
import { createTestHealthService, firstEvaluation, forceStatus } from '@nest-health/core/testing';
import type { INestApplication } from '@nestjs/common';
import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { ScheduleModule } from '@nestjs/schedule';
import { Test } from '@nestjs/testing';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { AppModule as PackageReadmeApp } from '../../docs/examples/package-readme.module';
import { eventually } from '../support/eventually';

let app: INestApplication | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function boot(moduleRef: { createNestApplication(): INestApplication }) {
  app = moduleRef.createNestApplication();
  await app.init();
  return app;
}

// ---------------------------------------------------------------- libs/health/README.md

describe('the package README', () => {
  it('reports the check of its module', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [PackageReadmeApp] }).compile();
    const app = await boot(moduleRef);
    await firstEvaluation(app);
    const { body } = await request(app.getHttpServer()).get('/v1/health/components').expect(200);
    expect(body.components).toEqual([expect.objectContaining({ name: 'payments' })]);
  });
});

// ---------------------------------------------------------------- 1. module options

describe('a check in module options', () => {
  let payments: Server;
  let answer = 200;

  beforeAll(async () => {
    payments = createServer((req, res) => res.writeHead(req.url === '/ping' ? answer : 404).end());
    await new Promise<void>((resolve) => payments.listen(0, '127.0.0.1', resolve));
    process.env.PAYMENTS_URL = `http://127.0.0.1:${(payments.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    delete process.env.PAYMENTS_URL;
    await new Promise((resolve) => payments.close(resolve));
  });

  it('asks the payments API, and says what it answered', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        HealthModule.forRoot({
          checks: [
            {
              name: 'payments',
              timeoutMs: 1000,
              abortable: true,
              check: async (signal) => {
                const res = await fetch(`${process.env.PAYMENTS_URL}/ping`, { signal });
                return { status: res.ok ? HealthStatus.HEALTHY : HealthStatus.UNHEALTHY };
              },
            },
          ],
        }),
      ],
    }).compile();
    const health = (await boot(moduleRef)).get(HealthService);
    answer = 200;
    expect((await health.check()).components[0].status).toBe(HealthStatus.HEALTHY);
    answer = 500;
    expect((await health.check()).components[0].status).toBe(HealthStatus.UNHEALTHY);
  });
});

// ---------------------------------------------------------------- 2. at runtime

@Injectable()
class QueueConsumer {
  constructor(private readonly health: HealthService) {}

  consume(): { during: string[]; after: string[] } {
    const unregister = this.health.register(
      { name: 'queue', check: () => ({ status: HealthStatus.HEALTHY }) },
      { timeoutMs: 500, critical: false },
    );
    const during = this.health.names();
    unregister(); // later
    return { during, after: this.health.names() };
  }
}

describe('a check registered at runtime', () => {
  it('is there until the function returned removes it', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [HealthModule.forRoot()],
      providers: [QueueConsumer],
    }).compile();
    const app = await boot(moduleRef);
    expect(app.get(QueueConsumer).consume()).toEqual({ during: ['queue'], after: [] });
  });
});

// ---------------------------------------------------------------- the environment (README)

/** Answers after `delayMs` (an environment variable may give it less time). */
@RegisterHealthIndicator()
@Injectable()
class SlowPaymentsIndicator implements HealthIndicator {
  readonly name = 'payments';
  delayMs = 200;

  async check(signal: AbortSignal): Promise<IndicatorResult> {
    await sleep(this.delayMs, undefined, { signal }).catch(() => undefined);
    return { status: HealthStatus.HEALTHY };
  }
}

describe('options from the environment', () => {
  afterEach(() => delete process.env.HEALTH_CHECK_PAYMENTS_TIMEOUT_MS);

  it("apply HEALTH_CHECK_PAYMENTS_TIMEOUT_MS to the app's payments check", async () => {
    process.env.HEALTH_CHECK_PAYMENTS_TIMEOUT_MS = '50';
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot(),
        HealthModule.forRootAsync({
          imports: [ConfigModule],
          inject: [ConfigService],
          useFactory: (config: ConfigService) =>
            healthOptionsFromEnv(config, { components: ['payments'] }),
        }),
      ],
      providers: [SlowPaymentsIndicator],
    }).compile();
    const report = await (await boot(moduleRef)).get(HealthService).check();
    expect(report.components).toEqual([
      expect.objectContaining({
        name: 'payments',
        status: HealthStatus.DEGRADED,
        message: 'payments timed out after 50 ms',
      }),
    ]);
  });

  it('mount every endpoint under another base path when asked', async () => {
    process.env.HEALTH_CHECK_PAYMENTS_TIMEOUT_MS = '1000';
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot(),
        HealthModule.forRootAsync({
          http: {
            basePath: 'ops/health',
            endpoints: { legacy: true, trends: true, status: true, events: true },
            redirect: true,
          },
          imports: [ConfigModule],
          inject: [ConfigService],
          useFactory: (config: ConfigService) =>
            healthOptionsFromEnv(config, { components: ['payments'] }),
        }),
      ],
      providers: [SlowPaymentsIndicator],
    }).compile();
    const app = await boot(moduleRef);
    await firstEvaluation(app);
    const server = app.getHttpServer();
    await request(server).get('/ops/health/ready').expect(200, 'ok\n');
    await request(server).get('/ops/health').expect(200);
    await request(server).get('/ops/health/trends').expect(200);
    await request(server).get('/ops/health/status').expect(200).expect('Content-Type', /html/);
    await request(server).get('/health').expect(301).expect('Location', '/ops/health');
    await request(server).get('/v1/health/ready').expect(404);
  });
});

// ---------------------------------------------------------------- with @nestjs/schedule

describe('the periodic evaluation in SchedulerRegistry', () => {
  it('is listed, stopped and started again as the app would', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [ScheduleModule.forRoot(), HealthModule.forRoot({ evaluationIntervalMs: 100 })],
    }).compile();
    const app = await boot(moduleRef);
    await firstEvaluation(app);

    const registry = app.get(SchedulerRegistry);
    const intervals = registry.getIntervals(); // ['health-evaluation', ...the app's own]
    // Stop it: the state ages, the verbose probes say "overdue", health_evaluation_age_seconds grows.
    registry.deleteInterval(HEALTH_EVALUATION_JOB);
    expect(intervals).toEqual([HEALTH_EVALUATION_JOB]);
    expect(registry.getIntervals()).toEqual([]);
    await sleep(300);
    expect(app.get(HealthService).evaluationSchedule.ageMs).toBeGreaterThanOrEqual(300);

    // Start it again: the engine's tick() on an interval of the app's.
    const health = app.get(HealthService);
    registry.addInterval(
      HEALTH_EVALUATION_JOB,
      setInterval(() => void health.tick(), health.evaluationIntervalMs),
    );
    expect(registry.getIntervals()).toEqual([HEALTH_EVALUATION_JOB]);
    await eventually(() => health.evaluationSchedule.ageMs! < 300, {
      message: 'an evaluation by the interval added again',
    });
  });
});

// ---------------------------------------------------------------- asking HealthService

@Injectable()
export class SummaryService {
  constructor(private readonly health: HealthService) {}

  summarize(text: string): string {
    if (!this.health.isHealthy('ai_model')) {
      throw new ServiceUnavailableException('AI model unavailable');
    }
    return text.slice(0, 100);
  }
}

describe('a domain service asking HealthService', () => {
  it('refuses work while the AI model is not healthy', async () => {
    const aiModel = { name: 'ai_model', check: () => ({ status: HealthStatus.HEALTHY }) };
    const health = createTestHealthService({ checks: [aiModel] });
    const summaries = new SummaryService(health);
    await firstEvaluation(health);
    expect(summaries.summarize('x'.repeat(150))).toBe('x'.repeat(100));
    await forceStatus(health, 'ai_model', HealthStatus.DEGRADED);
    expect(() => summaries.summarize('text')).toThrow('AI model unavailable');
  });
});

// ---------------------------------------------------------------- writers

describe('a writer of your own', () => {
  it('answers the report as CSV to Accept: text/csv', async () => {
    const csvWriter: HealthWriter = {
      mediaType: 'text/csv',
      write: (report) => ({
        status: report.overall_status === HealthStatus.UNHEALTHY ? 503 : 200,
        headers: { 'Content-Type': 'text/csv; charset=utf-8' },
        body: report.components.map((c) => `${c.name},${c.status}`).join('\n'),
      }),
    };
    const payments = { name: 'payments', check: () => ({ status: HealthStatus.UNHEALTHY }) };
    const moduleRef = await Test.createTestingModule({
      imports: [HealthModule.forRoot({ writers: [csvWriter], checks: [payments] })],
    }).compile();
    const app = await boot(moduleRef);
    const answer = await request(app.getHttpServer())
      .get('/v1/health/components')
      .set('Accept', 'text/csv')
      .expect(503)
      .expect('Content-Type', 'text/csv; charset=utf-8');
    expect(answer.text).toBe('payments,unhealthy');
  });
});
