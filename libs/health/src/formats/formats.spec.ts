import type { ComponentStatus, SystemHealthStatus } from '../core/health-status';
import { HealthStatus } from '../core/health-status';
import { isAuthorized, presentedApiKey } from '../shared/api-key';
import { toHealthJson } from './health-json.format';
import { toPrometheusText } from './prometheus.format';
import { httpStatusOf, toFullReport } from './report.format';

const component = (name: string, status: HealthStatus, ms = 1.5): ComponentStatus => ({
  name,
  status,
  message: `${name} is ${status}`,
  response_time_ms: ms,
  metadata: { k: name },
});
const report = (overall: HealthStatus, ...components: ComponentStatus[]): SystemHealthStatus => ({
  overall_status: overall,
  components,
  timestamp: 1_700_000_000.25,
});

describe('report format', () => {
  it('keeps names, statuses and times, and message and metadata only with details', () => {
    const r = report(HealthStatus.DEGRADED, component('cache', HealthStatus.DEGRADED));
    expect(toFullReport(r, true).components[0]).toEqual(r.components[0]);
    expect(toFullReport(r, false)).toEqual({
      overall_status: 'degraded',
      timestamp: 1_700_000_000.25,
      components: [{ name: 'cache', status: 'degraded', response_time_ms: 1.5 }],
    });
  });

  it.each([
    [HealthStatus.HEALTHY, 200],
    [HealthStatus.DEGRADED, 200],
    [HealthStatus.UNHEALTHY, 503],
  ])('maps %s to HTTP %i', (status, code) => {
    expect(httpStatusOf(status)).toBe(code);
  });
});

describe('health+json format', () => {
  it('maps statuses to pass/warn/fail and keys checks by "<component>:responseTime"', () => {
    const r = report(
      HealthStatus.UNHEALTHY,
      component('database', HealthStatus.UNHEALTHY, 12),
      component('runtime', HealthStatus.DEGRADED),
      component('payments', HealthStatus.HEALTHY),
    );
    expect(toHealthJson(r, { version: '1.2.3', details: true })).toEqual({
      status: 'fail',
      version: '1.2.3',
      output: 'database is unhealthy; runtime is degraded',
      checks: {
        'database:responseTime': [
          {
            componentId: 'database',
            componentType: 'datastore',
            observedValue: 12,
            observedUnit: 'ms',
            status: 'fail',
            time: '2023-11-14T22:13:20.250Z',
            output: 'database is unhealthy',
          },
        ],
        'runtime:responseTime': [
          expect.objectContaining({ componentType: 'system', status: 'warn' }),
        ],
        'payments:responseTime': [expect.not.objectContaining({ output: expect.anything() })],
      },
    });
  });

  it('leaves output out without details and when everything passes', () => {
    const failing = report(HealthStatus.UNHEALTHY, component('db', HealthStatus.UNHEALTHY));
    const body = toHealthJson(failing, { version: '1', details: false });
    expect(body.output).toBeUndefined();
    expect(body.checks['db:responseTime'][0].output).toBeUndefined();
    const passing = toHealthJson(report(HealthStatus.HEALTHY), { version: '1', details: true });
    expect(passing).toEqual({ status: 'pass', version: '1', checks: {} });
  });
});

describe('Prometheus text format', () => {
  it('writes StateSets for components and the system, and response times', () => {
    const text = toPrometheusText(
      report(HealthStatus.DEGRADED, component('cache', HealthStatus.DEGRADED, 2.5)),
    );
    expect(text).toBe(
      [
        '# HELP health_component_status Current state of each health component (1 = current).',
        '# TYPE health_component_status gauge',
        'health_component_status{component="cache",state="healthy"} 0',
        'health_component_status{component="cache",state="degraded"} 1',
        'health_component_status{component="cache",state="unhealthy"} 0',
        '# HELP health_overall_status Current state of the system (1 = current).',
        '# TYPE health_overall_status gauge',
        'health_overall_status{state="healthy"} 0',
        'health_overall_status{state="degraded"} 1',
        'health_overall_status{state="unhealthy"} 0',
        '# HELP health_component_response_time_seconds Duration of the last check of each component.',
        '# TYPE health_component_response_time_seconds gauge',
        'health_component_response_time_seconds{component="cache"} 0.0025',
        '',
      ].join('\n'),
    );
  });

  it('escapes label values', () => {
    const odd = component('a"b\\c\nd', HealthStatus.HEALTHY);
    expect(toPrometheusText(report(HealthStatus.HEALTHY, odd))).toContain(
      'component="a\\"b\\\\c\\nd"',
    );
  });
});

describe('API key', () => {
  it('reads X-API-Key first, then a Bearer token', () => {
    expect(presentedApiKey({ 'x-api-key': 'a', authorization: 'Bearer b' })).toBe('a');
    expect(presentedApiKey({ authorization: 'bearer  b' })).toBe('b');
    expect(presentedApiKey({ authorization: 'Basic Zm9v' })).toBeUndefined();
    expect(presentedApiKey({ 'x-api-key': '' })).toBeUndefined();
    expect(presentedApiKey({})).toBeUndefined();
  });

  it('authorizes one of the keys only', () => {
    expect(isAuthorized({ 'x-api-key': 'k2' }, ['k1', 'k2'])).toBe(true);
    expect(isAuthorized({ 'x-api-key': 'k3' }, ['k1', 'k2'])).toBe(false);
    expect(isAuthorized({ 'x-api-key': 'k1' }, [])).toBe(false);
    expect(isAuthorized({}, ['k1'])).toBe(false);
  });
});
