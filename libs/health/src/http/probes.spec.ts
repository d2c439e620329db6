import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type { HealthCheckDefinition } from '../core/health-check';
import { HealthStatus } from '../core/health-status';
import { HealthService } from '../core/health.service';
import { HealthModule } from '../health.module';
import type { HealthModuleOptions } from '../health.options';

/** A check whose answers the test sets: a status, or a hang. */
function switchable(name: string, options: Partial<HealthCheckDefinition> = {}) {
  const state = { status: HealthStatus.HEALTHY as HealthStatus, hang: false };
  const definition: HealthCheckDefinition = {
    name,
    ...options,
    check: () =>
      state.hang ? new Promise<never>(() => undefined) : Promise.resolve({ status: state.status }),
  };
  return { state, definition };
}

describe('readiness within the probe budget', () => {
  let app: INestApplication | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  /** With the legacy body on, beside the probes. */
  async function boot(options: HealthModuleOptions): Promise<INestApplication> {
    const moduleRef = await Test.createTestingModule({
      imports: [
        HealthModule.forRoot({
          evaluationIntervalMs: 0,
          http: { endpoints: { legacy: true } },
          ...options,
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    return app;
  }

  const ready = (query = '') => request(app!.getHttpServer()).get(`/v1/health/ready${query}`);

  it('answers from the last known state when the evaluation outlasts the budget', async () => {
    const db = switchable('db', { timeoutMs: 10_000 });
    await boot({ probeTimeoutMs: 100, checks: [db.definition] });
    await ready().expect(200);
    db.state.hang = true;
    const res = await ready('?verbose').expect(200);
    expect(res.text).toMatch(
      /^\[\+\]db ok \(checked \d+\.\d s ago\)\n\[\+\]evaluation ok \(driven by the app: last \d+\.\d s ago\)\nreadiness check passed \(evaluation still running after 100 ms: last known state\)\n$/,
    );
    // The evaluation went on in the background: the next probe shares it, and answers again.
    await ready().expect(200);
  });

  it('fails a check that has never answered within the budget', async () => {
    const db = switchable('db', { timeoutMs: 10_000 });
    db.state.hang = true;
    await boot({ probeTimeoutMs: 100, checks: [db.definition] });
    const res = await ready().expect(503);
    expect(res.text).toBe(
      '[-]db failed: no answer yet\nreadiness check failed (evaluation still running after 100 ms: last known state)\n',
    );
  });

  it('fails a check whose last run timed out, while the legacy body still says degraded', async () => {
    const db = switchable('db', { timeoutMs: 50 });
    await boot({ probeTimeoutMs: 500, checks: [db.definition] });
    await ready().expect(200);
    db.state.hang = true;
    const res = await ready().expect(503);
    expect(res.text).toBe('[-]db failed: timed out\nreadiness check failed\n');
    const legacy = await request(app!.getHttpServer()).get('/v1/health').expect(200);
    expect(legacy.body.status).toBe('degraded');
    db.state.hang = false;
    await ready().expect(200);
  });

  it('passes a check that is degraded by its own verdict', async () => {
    const ai = switchable('ai_model');
    ai.state.status = HealthStatus.DEGRADED;
    await boot({ checks: [ai.definition] });
    expect((await ready('?verbose').expect(200)).text).toMatch(/^\[\+\]ai_model degraded /);
  });

  it('grades a timeout with the check’s timeoutStatus', async () => {
    const db = switchable('db', { timeoutMs: 30, timeoutStatus: HealthStatus.UNHEALTHY });
    db.state.hang = true;
    await boot({ checks: [db.definition] });
    const report = await app!.get(HealthService).check();
    expect(report.components[0]).toMatchObject({
      status: HealthStatus.UNHEALTHY,
      message: 'db timed out after 30 ms',
    });
    expect(app!.get(HealthService).runOf(report.components[0])?.outcome).toBe('timeout');
  });

  it('refuses a budget that is not a number of milliseconds, and a bad timeoutStatus', async () => {
    await expect(boot({ probeTimeoutMs: 0 })).rejects.toThrow(/probeTimeoutMs: 0/);
    await expect(boot({ components: { db: { timeoutStatus: 'down' as never } } })).rejects.toThrow(
      /components\.db\.timeoutStatus: "down"/,
    );
    app = undefined;
  });
});
