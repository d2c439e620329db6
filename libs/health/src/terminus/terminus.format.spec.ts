import type { ComponentStatus, SystemHealthStatus } from '../core/health-status';
import { HealthStatus } from '../core/health-status';
import { terminusStatusCode, toTerminusBody } from './terminus.format';
import { TERMINUS_MEDIA_TYPE, terminusWriter } from './terminus.writer';

const component = (
  name: string,
  status: HealthStatus,
  extra: Partial<ComponentStatus> = {},
): ComponentStatus => ({
  name,
  status,
  message: `${name} is ${status}`,
  response_time_ms: 1.5,
  metadata: {},
  ...extra,
});

const report = (overall: HealthStatus, components: ComponentStatus[]): SystemHealthStatus => ({
  overall_status: overall,
  components,
  timestamp: 1_700_000_000,
});

describe('toTerminusBody', () => {
  it('all healthy: ok, every entry up under info and details, error empty', () => {
    const body = toTerminusBody(
      report(HealthStatus.HEALTHY, [
        component('heap', HealthStatus.HEALTHY),
        component('disk', HealthStatus.HEALTHY, { metadata: { freeBytes: 10 } }),
      ]),
      { details: true },
    );
    expect(body).toEqual({
      status: 'ok',
      info: { heap: { status: 'up' }, disk: { freeBytes: 10, status: 'up' } },
      error: {},
      details: { heap: { status: 'up' }, disk: { freeBytes: 10, status: 'up' } },
    });
    expect(terminusStatusCode(body.status)).toBe(200);
  });

  it('unhealthy: error, the entry down under error with its message; details lists info first', () => {
    const body = toTerminusBody(
      report(HealthStatus.UNHEALTHY, [
        component('docs', HealthStatus.UNHEALTHY, {
          message: 'docs check failed: connect ECONNREFUSED',
          metadata: { attempts: 2 },
        }),
        component('heap', HealthStatus.HEALTHY),
      ]),
      { details: true },
    );
    expect(body.status).toBe('error');
    expect(body.error).toEqual({
      docs: { attempts: 2, message: 'docs check failed: connect ECONNREFUSED', status: 'down' },
    });
    expect(Object.keys(body.details)).toEqual(['heap', 'docs']);
    expect(terminusStatusCode(body.status)).toBe(503);
  });

  it("a message in the metadata (a Terminus indicator's own) is kept as it is", () => {
    const body = toTerminusBody(
      report(HealthStatus.UNHEALTHY, [
        component('heap', HealthStatus.UNHEALTHY, {
          message: 'Used heap exceeded the set threshold',
          metadata: { message: 'Used heap exceeded the set threshold' },
        }),
      ]),
      { details: true },
    );
    expect(body.error.heap).toEqual({
      message: 'Used heap exceeded the set threshold',
      status: 'down',
    });
  });

  it('a message that only repeats the status is left out, as Terminus has none there', () => {
    const body = toTerminusBody(
      report(HealthStatus.UNHEALTHY, [
        component('queue', HealthStatus.DEGRADED, { message: 'queue is degraded' }),
        component('docs', HealthStatus.UNHEALTHY, { message: 'docs is down' }),
        component('db', HealthStatus.UNHEALTHY, { message: 'db is unhealthy' }),
        component('cache', HealthStatus.UNHEALTHY, { message: ' ' }),
        component('ai', HealthStatus.UNHEALTHY, { message: 'ai is down: quota exceeded' }),
      ]),
      { details: true },
    );
    expect(body.details).toEqual({
      queue: { status: 'degraded' },
      docs: { status: 'down' },
      db: { status: 'down' },
      cache: { status: 'down' },
      ai: { message: 'ai is down: quota exceeded', status: 'down' },
    });
  });

  it('degraded: the entry degraded under info, overall degraded with 200 (Terminus 12)', () => {
    const body = toTerminusBody(
      report(HealthStatus.DEGRADED, [
        component('ai', HealthStatus.DEGRADED, { message: 'ai timed out after 500 ms' }),
      ]),
      { details: true },
    );
    expect(body).toEqual({
      status: 'degraded',
      info: { ai: { message: 'ai timed out after 500 ms', status: 'degraded' } },
      error: {},
      details: { ai: { message: 'ai timed out after 500 ms', status: 'degraded' } },
    });
    expect(terminusStatusCode(body.status)).toBe(200);
  });

  it('a non-critical check down: listed under error, overall as the engine says (degraded)', () => {
    const body = toTerminusBody(
      report(HealthStatus.DEGRADED, [component('search', HealthStatus.UNHEALTHY)]),
      { details: true },
    );
    expect([body.status, body.error.search.status]).toEqual(['degraded', 'down']);
  });

  it('without details: each entry is its status only', () => {
    const body = toTerminusBody(
      report(HealthStatus.UNHEALTHY, [
        component('docs', HealthStatus.UNHEALTHY, { metadata: { url: 'http://x' } }),
        component('heap', HealthStatus.HEALTHY, { metadata: { used: 1 } }),
      ]),
      { details: false },
    );
    expect(body).toEqual({
      status: 'error',
      info: { heap: { status: 'up' } },
      error: { docs: { status: 'down' } },
      details: { heap: { status: 'up' }, docs: { status: 'down' } },
    });
  });

  it('shutting down: shutting_down and 503, whatever the checks say', () => {
    const body = toTerminusBody(
      report(HealthStatus.HEALTHY, [component('heap', HealthStatus.HEALTHY)]),
      {
        details: true,
        shuttingDown: true,
      },
    );
    expect([body.status, body.info]).toEqual(['shutting_down', { heap: { status: 'up' } }]);
    expect(terminusStatusCode(body.status)).toBe(503);
  });

  it('leaves shadow checks out, and an empty report is ok', () => {
    const body = toTerminusBody(
      report(HealthStatus.HEALTHY, [
        component('next_db', HealthStatus.UNHEALTHY, { shadow: true }),
      ]),
      { details: true },
    );
    expect(body).toEqual({ status: 'ok', info: {}, error: {}, details: {} });
  });
});

describe('terminusWriter', () => {
  it('writes the body with its media type and Terminus status codes', () => {
    const down = terminusWriter.write(
      report(HealthStatus.UNHEALTHY, [component('db', HealthStatus.UNHEALTHY)]),
      { details: false, version: '1.0.0' },
    );
    expect(down).toEqual({
      status: 503,
      headers: { 'Content-Type': `${TERMINUS_MEDIA_TYPE}; charset=utf-8` },
      body: {
        status: 'error',
        info: {},
        error: { db: { status: 'down' } },
        details: { db: { status: 'down' } },
      },
    });
    const ok = terminusWriter.write(report(HealthStatus.HEALTHY, []), {
      details: true,
      version: '1.0.0',
    });
    expect(ok.status).toBe(200);
  });

  it('answers shutting_down (503) while the service drains', () => {
    const draining = terminusWriter.write(report(HealthStatus.HEALTHY, []), {
      details: true,
      version: '1.0.0',
      draining: true,
    });
    expect(draining.status).toBe(503);
    expect(draining.body).toMatchObject({ status: 'shutting_down' });
  });
});
