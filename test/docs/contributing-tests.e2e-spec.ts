// The examples of docs/contributing-tests.md, run: each ```ts block of the guide is an excerpt of
// this file (test/doc-examples.e2e-spec.ts checks it).
import { HealthModule, HealthService, HealthStatus } from '@nest-health/core';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { eventually } from '../support/eventually';
import { ServiceProcess } from '../support/service-process';

jest.setTimeout(60_000);

describe('ServiceProcess', () => {
  it('runs the built service, stops it and reads what it wrote', async () => {
    const service = await ServiceProcess.start({ HEALTH_SHUTDOWN_DELAY_MS: '0' });
    await fetch(`${service.url}/v1/health`);
    service.signal('SIGTERM');
    const line = await service.logged('SIGTERM received'); // waits for a log line
    const { code, output } = await service.exited(); // once stdout and stderr closed

    const refused = await ServiceProcess.startupFailure({ PORT: 'eighty' }); // { code, output }
    expect(line).toContain('SIGTERM received');
    expect(code).toBe(0);
    expect(output).toContain(line);
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain('PORT');
  });

  afterEach(() => ServiceProcess.killAll());
});

describe('eventually', () => {
  it('waits for the first report, then for readiness', async () => {
    let answer = HealthStatus.UNHEALTHY;
    const checks = [{ name: 'payments', check: () => ({ status: answer }) }];
    const moduleRef = await Test.createTestingModule({
      imports: [HealthModule.forRoot({ checks, evaluationIntervalMs: 50 })],
    }).compile();
    const app = await moduleRef.createNestApplication().init();
    const health = app.get(HealthService);
    const get = (path: string) => request(app.getHttpServer()).get(path);
    setTimeout(() => (answer = HealthStatus.HEALTHY), 200);

    await eventually(() => health.started, { message: 'the first report' });
    const ready = await eventually(() => get('/v1/health/ready'), {
      until: (answer) => answer.status === 200,
      timeoutMs: 5000,
      intervalMs: 100,
    });
    expect(ready.text).toBe('ok\n');
    await app.close();
  });
});
