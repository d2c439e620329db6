import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { HealthModule } from '../health.module';
import type { HealthModuleOptions } from '../health.options';
import { dateClock } from '../testing/clocks';
import type { HealthCheckDefinition } from './health-check';
import { HealthStatus } from './health-status';
import { HealthService } from './health.service';

const { HEALTHY: H, DEGRADED: D, UNHEALTHY: U } = HealthStatus;

/** A check answering the statuses it is told, taking `ms` on Jest's clock. */
function scripted(name: string, options: Partial<HealthCheckDefinition> = {}) {
  const state = { status: H as HealthStatus, ms: 0, hang: false };
  const definition: HealthCheckDefinition = {
    name,
    ...options,
    check: async () => {
      if (state.hang) return new Promise<never>(() => undefined);
      if (state.ms > 0) await new Promise((resolve) => setTimeout(resolve, state.ms));
      return { status: state.status, message: `${name} says ${state.status}` };
    },
  };
  return { state, definition };
}

describe('check thresholds and modes', () => {
  let service: HealthService;
  const make = (options: HealthModuleOptions) =>
    (service = new HealthService({ clock: dateClock, evaluationIntervalMs: 0, ...options }));

  beforeEach(() => jest.useFakeTimers({ now: 1_700_000_000_000 }));
  afterEach(() => {
    service?.onModuleDestroy();
    jest.useRealTimers();
  });

  async function statuses(name: string, runs: number): Promise<string[]> {
    const seen: string[] = [];
    for (let i = 0; i < runs; i++) {
      const pending = service.checkComponent(name);
      await jest.advanceTimersByTimeAsync(200);
      seen.push((await pending).status);
    }
    return seen;
  }

  it('degrades a healthy answer slower than degradedAboveMs, saying how slow', async () => {
    const db = scripted('db', { degradedAboveMs: 50 });
    make({ checks: [db.definition] });
    db.state.ms = 20;
    expect((await statuses('db', 1))[0]).toBe(H);
    db.state.ms = 120;
    const pending = service.checkComponent('db');
    await jest.advanceTimersByTimeAsync(200);
    expect(await pending).toMatchObject({
      status: D,
      message: 'db answered in 120 ms, above degradedAboveMs (50 ms)',
    });
  });

  it('needs failuresBeforeUnhealthy failing runs in a row, a timeout counting as one', async () => {
    const db = scripted('db', { failuresBeforeUnhealthy: 3, timeoutMs: 100 });
    make({ checks: [db.definition] });
    expect(await statuses('db', 1)).toEqual([H]);
    db.state.status = U;
    const held = service.checkComponent('db');
    await jest.advanceTimersByTimeAsync(10);
    expect((await held).message).toBe(
      'db says unhealthy (unhealthy, failure 1 of 3 before the status changes)',
    );
    expect(await statuses('db', 2)).toEqual([H, U]);
    // One blip does not flip it back, and a timeout is a failure too.
    db.state.status = H;
    expect(await statuses('db', 1)).toEqual([H]);
    db.state.hang = true;
    expect(await statuses('db', 3)).toEqual([H, H, D]);
  });

  it('needs successesBeforeHealthy healthy runs in a row to be healthy again', async () => {
    const db = scripted('db', { successesBeforeHealthy: 2 });
    make({ checks: [db.definition] });
    db.state.status = U;
    expect(await statuses('db', 1)).toEqual([U]);
    db.state.status = H;
    expect(await statuses('db', 3)).toEqual([U, H, H]);
  });

  it('keeps readiness passing while a timeout is held back, fails it once the count is reached', async () => {
    const db = scripted('db', { failuresBeforeUnhealthy: 2, timeoutMs: 100 });
    make({ checks: [db.definition] });
    await statuses('db', 1);
    db.state.hang = true;
    const first = service.checkComponent('db');
    await jest.advanceTimersByTimeAsync(200);
    expect(service.runOf(await first)?.outcome).toBe('ok');
    const second = service.checkComponent('db');
    await jest.advanceTimersByTimeAsync(200);
    expect(service.runOf(await second)?.outcome).toBe('timeout');
  });

  it('refuses thresholds that are not numbers in range, and unknown modes', () => {
    expect(() => make({ components: { db: { degradedAboveMs: -1 } } })).toThrow(
      /components\.db\.degradedAboveMs: -1/,
    );
    expect(() => make({ components: { db: { failuresBeforeUnhealthy: 0 } } })).toThrow(
      /components\.db\.failuresBeforeUnhealthy: 0 \(expected an integer >= 1\)/,
    );
    expect(() => make({ components: { db: { mode: 'dark' as never } } })).toThrow(
      /components\.db\.mode: "dark" \(expected active or shadow\)/,
    );
    expect(() => make({ components: { db: { enabled: 'no' as never } } })).toThrow(
      /components\.db\.enabled: "no"/,
    );
  });
});

describe('shadow and paused checks in HealthModule', () => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('keeps readiness on the critical checks when the only check tagged ready is in shadow or paused', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        HealthModule.forRoot({
          evaluationIntervalMs: 0,
          checks: [
            { name: 'db', check: () => ({ status: U }) },
            { name: 'new', mode: 'shadow', tags: ['ready'], check: () => ({ status: H }) },
            { name: 'old', enabled: false, tags: ['ready'], check: () => ({ status: H }) },
          ],
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    const ready = await request(app.getHttpServer()).get('/v1/health/ready').expect(503);
    expect(ready.text).toContain('[-]db failed');
  });

  it('shows a failing shadow check (marked) without touching overall, readiness or the legacy body', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        HealthModule.forRoot({
          evaluationIntervalMs: 0,
          details: 'always',
          http: { endpoints: { legacy: true } },
          checks: [
            { name: 'cache', check: () => ({ status: H }) },
            {
              name: 'search',
              mode: 'shadow',
              check: () => ({ status: U, message: 'new check says no' }),
            },
            { name: 'paused', enabled: false, check: () => ({ status: U }) },
          ],
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    const http = () => request(app!.getHttpServer());
    const full = await http().get('/v1/health/components').expect(200);
    expect(full.body.overall_status).toBe('healthy');
    expect(full.body.components).toEqual([
      expect.objectContaining({ name: 'cache', status: 'healthy' }),
      expect.objectContaining({ name: 'search', status: 'unhealthy', shadow: true }),
    ]);
    const ready = await http().get('/v1/health/ready?verbose').expect(200);
    expect(ready.text).not.toContain('search');
    expect((await http().get('/v1/health').expect(200)).body.status).toBe('healthy');
    // A paused check is registered, never run, in no report.
    const health = app.get(HealthService);
    expect(health.has('paused')).toBe(true);
    expect(health.getLastStatus('paused')).toBeUndefined();
  });
});
