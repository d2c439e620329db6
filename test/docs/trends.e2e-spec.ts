// The examples of docs/trends.md, run: each ```ts block of the guide is an excerpt of this file
// (test/doc-examples.e2e-spec.ts checks it).
import { HealthModule, HealthService, HealthStatus } from '@nest-health/core';
import { HealthTrends } from '@nest-health/core';
import type { INestApplication } from '@nestjs/common';
import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { firstEvaluation } from '@nest-health/core/testing';

let app: INestApplication | undefined;
afterEach(() => app?.close());

describe('trend retention', () => {
  it('takes 6 hours at one evaluation every 10 s', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        HealthModule.forRoot({
          evaluationIntervalMs: 10_000,
          trends: { retentionMs: 6 * 60 * 60 * 1000 },
          http: { endpoints: { trends: true } },
        }),
      ],
    }).compile();
    app = await moduleRef.createNestApplication().init();
    const { body } = await request(app.getHttpServer()).get('/v1/health/trends').expect(200);
    expect(body).toMatchObject({ retention_ms: 6 * 60 * 60 * 1000 });
  });

  it('refuses a day at one evaluation a second, naming the options', async () => {
    const refused = Test.createTestingModule({
      imports: [
        HealthModule.forRoot({
          evaluationIntervalMs: 1000,
          trends: { retentionMs: 86_400_000 },
          recordTrends: true,
        }),
      ],
    }).compile();
    await expect(refused).rejects.toThrow(/trends\.retentionMs.*evaluationIntervalMs/);
  });
});

@Injectable()
export class CapacityReport {
  constructor(private readonly trends: HealthTrends) {}

  cacheAvailability(): number | null {
    return this.trends.analyze('24h').components.cache?.availability_pct ?? null;
  }
}

describe('HealthTrends from code', () => {
  it('gives the availability of the periodic evaluations, without HTTP', async () => {
    const statuses = [HealthStatus.UNHEALTHY, HealthStatus.HEALTHY, HealthStatus.HEALTHY];
    let answer = HealthStatus.HEALTHY;
    const cache = { name: 'cache', check: () => ({ status: answer }) };
    const moduleRef = await Test.createTestingModule({
      imports: [
        HealthModule.forRoot({ checks: [cache], evaluationIntervalMs: 0, recordTrends: true }),
      ],
      providers: [CapacityReport],
    }).compile();
    app = await moduleRef.createNestApplication().init();
    const health = app.get(HealthService);
    await firstEvaluation(health); // at bootstrap: the first sample
    expect(app.get(CapacityReport).cacheAvailability()).toBe(100);
    for (const status of statuses) {
      answer = status;
      await health.tick(); // the app's own schedule
    }
    expect(app.get(CapacityReport).cacheAvailability()).toBe(75);
  });
});
