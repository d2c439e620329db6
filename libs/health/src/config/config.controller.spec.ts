import type { INestApplication } from '@nestjs/common';
import { Controller, Get, Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { HealthStatus } from '../core/health-status';
import { HealthModule } from '../health.module';
import { HealthRouteConflictError } from '../shared/route-clash';
import type { HealthModuleOptions } from '../health.options';
import { fingerprint } from './admin-request';
import type { HealthConfigModuleOptions } from './config.options';
import { HealthConfigModule } from './health-config.module';

const ADMIN = 'admin-key-0001-7c3e5a9b';
const DETAILS = 'details-key-0002';

describe('GET|PATCH|DELETE /v1/health/config', () => {
  let app: INestApplication | undefined;
  let audit: string[];

  beforeEach(() => {
    audit = [];
    jest.spyOn(Logger.prototype, 'log').mockImplementation(((line: unknown) => {
      audit.push(String(line));
    }) as never);
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    jest.restoreAllMocks();
  });

  async function boot(
    config: HealthConfigModuleOptions,
    options: HealthModuleOptions = {},
  ): Promise<void> {
    const moduleRef = await Test.createTestingModule({
      imports: [
        HealthModule.forRoot({
          evaluationIntervalMs: 0,
          // The endpoints wait for the 150 ms check (their default budget is 50 ms).
          responseBudgetMs: 1000,
          checks: [
            {
              name: 'db',
              check: () =>
                new Promise((resolve) =>
                  setTimeout(() => resolve({ status: HealthStatus.HEALTHY }), 150),
                ),
            },
          ],
          ...options,
        }),
        HealthConfigModule.forRoot(config),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  }
  const http = () => request(app!.getHttpServer());

  it('is off (404) unless admin keys are configured', async () => {
    await boot({}, { detailsKeys: [DETAILS] });
    await http().get('/v1/health/config').set('x-api-key', DETAILS).expect(404);
    await http().patch('/v1/health/config').send({}).expect(404);
  });

  it('answers 401 and nothing else without an admin key, details keys included', async () => {
    await boot({ adminKeys: [ADMIN] }, { detailsKeys: [DETAILS] });
    for (const headers of [{}, { 'x-api-key': DETAILS }, { authorization: 'Bearer nope-nope' }]) {
      const res = await http().get('/v1/health/config').set(headers).expect(401);
      expect(JSON.stringify(res.body)).not.toContain('db');
      await http().patch('/v1/health/config').set(headers).send({ checks: {} }).expect(401);
    }
  });

  it('shows the effective configuration with sources, scoped to this instance', async () => {
    await boot({ adminKeys: [ADMIN] });
    const res = await http().get('/v1/health/config').set('x-api-key', ADMIN).expect(200);
    expect(res.body).toMatchObject({
      version: 1,
      scope: 'instance',
      defaults: { timeoutMs: { value: 2000, source: 'default' } },
      checks: { db: { timeoutMs: { value: 2000, source: 'default' }, mode: { value: 'active' } } },
    });
    expect(JSON.stringify(res.body)).not.toContain(ADMIN);
  });

  it('applies a patch from the next evaluation, audits it by fingerprint, and resets', async () => {
    await boot({ adminKeys: [ADMIN] });
    expect((await http().get('/v1/health/components/db').expect(200)).body.status).toBe('healthy');
    const res = await http()
      .patch('/v1/health/config')
      .set('authorization', `Bearer ${ADMIN}`)
      .send({ checks: { db: { timeoutMs: 50 } } })
      .expect(200);
    expect(res.body).toEqual({
      version: 2,
      source: 'runtime',
      actor: `key:${fingerprint(ADMIN)}`,
      scope: 'instance',
      changes: [{ path: 'checks.db.timeoutMs', from: 2000, to: 50 }],
    });
    expect(audit).toContain(
      `configuration v2 by key:${fingerprint(ADMIN)}: checks.db.timeoutMs 2000 -> 50`,
    );
    expect(audit.join('\n')).not.toContain(ADMIN);
    // Seen in behaviour, not only in the output: the 150 ms check now times out.
    const db = await http().get('/v1/health/components/db').expect(200);
    expect(db.body.status).toBe('degraded');
    const reset = await http().delete('/v1/health/config').set('x-api-key', ADMIN).expect(200);
    expect(reset.body).toMatchObject({
      version: 3,
      changes: [{ path: 'checks.db.timeoutMs', to: 2000 }],
    });
  });

  it('refuses a bad patch with 400 naming the field, and changes nothing', async () => {
    await boot({ adminKeys: [ADMIN] });
    for (const body of [
      { checks: { db: { timeoutMs: -1 } } },
      { checks: { db: { colour: 'red' } } },
      { checks: { ghost: { timeoutMs: 10 } } },
    ]) {
      const res = await http()
        .patch('/v1/health/config')
        .set('x-api-key', ADMIN)
        .send(body)
        .expect(400);
      expect(res.body.message).toMatch(/^Invalid setting checks\.(db\.timeoutMs|db\.colour|ghost)/);
    }
    const after = await http().get('/v1/health/config').set('x-api-key', ADMIN).expect(200);
    expect(after.body.version).toBe(1);
    expect(audit.filter((line) => line.startsWith('configuration'))).toEqual([]);
  });

  // Routes classes are mounted by subclasses: the clash check reads inherited handlers.
  it('refuses to start when a host route takes its path', async () => {
    @Controller('v1/health/config')
    class HostConfigController {
      @Get()
      get() {
        return 'mine';
      }
    }
    const moduleRef = await Test.createTestingModule({
      imports: [
        HealthModule.forRoot({ evaluationIntervalMs: 0 }),
        HealthConfigModule.forRoot({ adminKeys: [ADMIN] }),
      ],
      controllers: [HostConfigController],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    const error = await app.init().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HealthRouteConflictError);
    expect(String((error as Error).message)).toMatch(
      /GET \/v1\/health\/config.*HostConfigController\.get serves GET \/v1\/health\/config too/,
    );
  });
});
