// The examples of docs/configuration.md, run: each ```ts block of the guide is an excerpt of this
// file or of docs/examples/configuration.module.ts, which this file boots.
import type { HealthIndicator, IndicatorResult } from '@nest-health/core';
import {
  HealthModule,
  HealthService,
  HealthStatus,
  RegisterHealthIndicator,
} from '@nest-health/core';
import type { ConfigChangeEvent } from '@nest-health/core/config';
import { HealthConfigModule, HealthConfigService } from '@nest-health/core/config';
import type { INestApplication } from '@nestjs/common';
import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';

let app: INestApplication | undefined;
afterEach(() => app?.close());

describe('HealthConfigModule from the environment', () => {
  const key = 'admin-7f3c9e21a5b84d06';
  afterEach(() => delete process.env.HEALTH_ADMIN_KEYS);

  it('serves the admin endpoint to the admin keys of HEALTH_ADMIN_KEYS', async () => {
    process.env.HEALTH_ADMIN_KEYS = key; // read when the module's file is loaded
    const { AppModule } = await import('../../docs/examples/configuration.module');
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = await moduleRef.createNestApplication().init();
    await request(app.getHttpServer()).get('/v1/health/config').expect(401);
    const { body } = await request(app.getHttpServer())
      .get('/v1/health/config')
      .set('X-API-Key', key)
      .expect(200);
    expect(body).toMatchObject({ version: 1 });
  });
});

describe('HealthConfigService from code', () => {
  it('applies a patch, tells the listeners, and resets', async () => {
    const payments = { name: 'payments', check: () => ({ status: HealthStatus.HEALTHY }) };
    const moduleRef = await Test.createTestingModule({
      imports: [HealthModule.forRoot({ checks: [payments] }), HealthConfigModule.forRoot()],
    }).compile();
    app = await moduleRef.createNestApplication().init();
    const config = app.get(HealthConfigService);
    const events: ConfigChangeEvent[] = [];

    const event = config.applyConfiguration(
      { checks: { payments: { timeoutMs: 500, failuresBeforeUnhealthy: 3 } } },
      { actor: 'deploy-script' },
    );
    // { version: 2, changes: [{ path: 'checks.payments.timeoutMs', from: 2000, to: 500 }, ...],
    //   source: 'runtime', actor: 'deploy-script' }
    config.onConfigChange((change) => events.push(change)); // { version, changes, source, actor? }
    config.resetConfiguration();

    expect(event).toMatchObject({
      version: 2,
      source: 'runtime',
      actor: 'deploy-script',
      changes: expect.arrayContaining([{ path: 'checks.payments.timeoutMs', from: 2000, to: 500 }]),
    });
    expect(events).toEqual([expect.objectContaining({ version: 3 })]);
    expect(config.configuration().checks.payments.timeoutMs.value).toBe(2000);
  });
});

@RegisterHealthIndicator({ mode: 'shadow', timeoutMs: 1000 })
@Injectable()
export class SearchIndicator implements HealthIndicator {
  readonly name = 'search';

  check(): IndicatorResult {
    return { status: HealthStatus.UNHEALTHY, message: 'index missing' };
  }
}

describe('a check in shadow', () => {
  it('shows in the report, and counts toward neither the overall status nor readiness', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [HealthModule.forRoot()],
      providers: [SearchIndicator],
    }).compile();
    app = await moduleRef.createNestApplication().init();
    const report = await app.get(HealthService).check();
    expect(report.overall_status).toBe(HealthStatus.HEALTHY);
    expect(report.components).toEqual([
      expect.objectContaining({ name: 'search', status: HealthStatus.UNHEALTHY }),
    ]);
    expect(app.get(HealthService).isHealthy('search')).toBe(false);
    await request(app.getHttpServer()).get('/v1/health/ready').expect(200);
  });
});
