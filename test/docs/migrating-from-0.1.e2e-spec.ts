// The example of docs/migrating-from-0.1.md, run: its ```ts block is an excerpt of this file
// (test/doc-examples.e2e-spec.ts checks it).
import type { HealthModuleOptions, LegacyField } from '@nest-health/core';
import { HealthModule, HealthService, HealthStatus } from '@nest-health/core';
import type { HealthConfigModuleOptions } from '@nest-health/core/config';
import { HealthConfigModule } from '@nest-health/core/config';
import { Test } from '@nestjs/testing';
import request from 'supertest';

describe('every endpoint of 0.1.0', () => {
  it('is back with the legacy body, trends, the status page, events, redirect and config', async () => {
    const options: HealthModuleOptions = {
      checks: [{ name: 'payments', check: () => ({ status: HealthStatus.HEALTHY }) }],
    };
    const myFields: LegacyField[] = [{ key: 'payments_ok', component: 'payments' }];
    const { adminKeys, configFile, configFleet }: HealthConfigModuleOptions = {
      adminKeys: ['admin-7f3c9e21a5b84d06'],
    };
    const moduleRef = await Test.createTestingModule({
      imports: [
        HealthModule.forRoot({
          ...options,
          legacy: { fields: myFields }, // the keys after status, timestamp and version
          http: {
            endpoints: { legacy: true, trends: true, status: true, events: true },
            redirect: true,
          },
        }),
        HealthConfigModule.forRoot({ adminKeys, configFile, configFleet }),
      ],
    }).compile();
    const app = await moduleRef.createNestApplication().init();
    await app.get(HealthService).check();
    const server = app.getHttpServer();

    const legacy = await request(server).get('/v1/health').expect(200);
    expect(legacy.body).toMatchObject({ status: 'healthy', payments_ok: true });
    await request(server).get('/v1/health/trends').expect(200);
    await request(server).get('/v1/health/status').expect(200).expect('Content-Type', /html/);
    await request(server).get('/health').expect(301).expect('Location', '/v1/health');
    await request(server)
      .get('/v1/health/config')
      .set('X-API-Key', 'admin-7f3c9e21a5b84d06')
      .expect(200);
    await app.close();
  });
});
