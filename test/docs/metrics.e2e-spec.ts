// The examples of docs/metrics.md that are not apps of their own, run: each ```ts block of the
// guide is an excerpt of this file, of a file of docs/examples or of apps/api's
// MetricsController, which this file mounts.
import { HealthModule, HealthService, HealthStatus } from '@nest-health/core';
import { HealthMetricsModule } from '@nest-health/core/metrics';
import { Test } from '@nestjs/testing';
import { Registry } from 'prom-client';
// For the app with @willsoto/nestjs-prometheus:
import { healthMetricsOptionsFromEnv } from '@nest-health/core/metrics';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import request from 'supertest';
import { MetricsController } from '../../apps/api/src/metrics/metrics.controller';

describe('a registry of its own', () => {
  it('holds the health series of this app only', async () => {
    const registry = new Registry();
    const checks = [{ name: 'payments', check: () => ({ status: HealthStatus.HEALTHY }) }];
    const moduleRef = await Test.createTestingModule({
      imports: [
        HealthModule.forRoot({ checks }),
        HealthMetricsModule.forRoot({ registry, path: false }),
      ],
    }).compile();
    const app = await moduleRef.createNestApplication().init();
    await app.get(HealthService).check();
    const text = await registry.metrics(); // then, your exporter's
    expect(text).toContain('health_component_status{component="payments",state="healthy"} 1');
    await request(app.getHttpServer()).get('/metrics').expect(404);
    await app.close();
  });
});

describe('with @willsoto/nestjs-prometheus and a token', () => {
  afterEach(() => delete process.env.HEALTH_METRICS_TOKEN);

  it("guards willsoto's /metrics with HealthMetricsGuard", async () => {
    const token = 'metrics-token-5b1d8f0c2a7e4c93';
    process.env.HEALTH_METRICS_TOKEN = token;
    const checks = [{ name: 'payments', check: () => ({ status: HealthStatus.HEALTHY }) }];
    const moduleRef = await Test.createTestingModule({
      imports: [
        HealthModule.forRoot({ checks }),
        PrometheusModule.register({ controller: MetricsController }),
        HealthMetricsModule.forRoot(healthMetricsOptionsFromEnv(process.env)), // HEALTH_METRICS_TOKEN
      ],
    }).compile();
    const app = await moduleRef.createNestApplication().init();
    await app.get(HealthService).check();
    const server = app.getHttpServer();
    await request(server)
      .get('/metrics')
      .expect(401)
      .expect('WWW-Authenticate', 'Bearer realm="metrics"');
    const { text } = await request(server)
      .get('/metrics')
      .set('Authorization', `Bearer ${token}`)
      .expect(200)
      .expect('Cache-Control', 'no-store');
    expect(text).toContain('health_component_status{component="payments",state="healthy"} 1');
    await app.close();
  });
});
