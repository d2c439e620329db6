import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Registry, register } from 'prom-client';
import { HealthStatus } from '../core/health-status';
import { HealthService } from '../core/health.service';
import { HealthModule } from '../health.module';
import { HEALTH_METRIC_NAMES, HEALTH_METRICS_REGISTRY } from '.';
import { HealthMetrics } from './health.metrics';
import { parseMetrics, stateSets } from './testing/prometheus-text';

describe('HealthMetrics in HealthModule', () => {
  const apps: INestApplication[] = [];
  let status = HealthStatus.HEALTHY;

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  async function boot(registry?: Registry): Promise<INestApplication> {
    const builder = Test.createTestingModule({
      imports: [
        HealthModule.forRoot({
          exposeHttp: false,
          checks: [{ name: 'payments', check: () => ({ status }) }],
        }),
      ],
    });
    if (registry) builder.overrideProvider(HEALTH_METRICS_REGISTRY).useValue(registry);
    const app = (await builder.compile()).createNestApplication({ logger: false });
    apps.push(app);
    await app.init();
    return app;
  }

  const states = async (registry: Registry) =>
    stateSets(parseMetrics(await registry.metrics()), HEALTH_METRIC_NAMES.componentStatus);

  async function bootWith(metrics: false | { registry?: Registry }): Promise<INestApplication> {
    const moduleRef = await Test.createTestingModule({
      imports: [
        HealthModule.forRoot({
          exposeHttp: false,
          metrics,
          checks: [{ name: 'payments', check: () => ({ status }) }],
        }),
      ],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    apps.push(app);
    await app.init();
    return app;
  }

  it('puts the metrics in the registry given by the metrics option, not the global one', async () => {
    const own = new Registry();
    const app = await bootWith({ registry: own });
    await app.get(HealthService).check();
    expect(await states(own)).toEqual({ payments: 'healthy' });
    expect(register.getSingleMetric(HEALTH_METRIC_NAMES.componentStatus)).toBeUndefined();
  });

  it('registers no metric with metrics: false', async () => {
    const app = await bootWith(false);
    await app.get(HealthService).check();
    for (const name of Object.values(HEALTH_METRIC_NAMES)) {
      expect(register.getSingleMetric(name)).toBeUndefined();
    }
  });

  it('is provided by the module and records the bootstrap evaluation', async () => {
    const registry = new Registry();
    const app = await boot(registry);
    expect(app.get(HealthMetrics)).toBeInstanceOf(HealthMetrics);
    await app.get(HealthService).check();
    expect(await states(registry)).toEqual({ payments: 'healthy' });
    status = HealthStatus.DEGRADED;
    await app.get(HealthService).check();
    expect(await states(registry)).toEqual({ payments: 'degraded' });
    await app.close();
    expect(registry.getMetricsAsArray()).toEqual([]);
  });

  it("uses prom-client's global registry by default, and leaves it clean on close", async () => {
    const first = await boot();
    const second = await boot();
    await second.get(HealthService).check();
    expect(register.getSingleMetric(HEALTH_METRIC_NAMES.componentStatus)).toBeDefined();
    await first.close();
    expect(register.getSingleMetric(HEALTH_METRIC_NAMES.componentStatus)).toBeDefined();
    await second.close();
    const left = register.getMetricsAsArray().map((metric) => metric.name);
    expect(left.filter((name) => name.startsWith('health_'))).toEqual([]);
  });
});
