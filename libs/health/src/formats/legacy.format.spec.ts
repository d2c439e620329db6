import type { ComponentStatus, SystemHealthStatus } from '../core/health-status';
import { HealthStatus } from '../core/health-status';
import { isoTimestamp } from '../http/http.options';
import type { LegacyBodyField } from './legacy.format';
import { legacyFallbackBody, toLegacyBody } from './legacy.format';

const component = (name: string, status: HealthStatus, shadow = false): ComponentStatus => ({
  name,
  status,
  message: `${name} ${status}`,
  response_time_ms: 1,
  metadata: {},
  ...(shadow ? { shadow: true } : {}),
});

const report = (overall: HealthStatus, ...components: ComponentStatus[]): SystemHealthStatus => ({
  overall_status: overall,
  components,
  timestamp: 1_751_069_199.130848,
});

/** An app's fields: one that is false while missing, two that are null. */
const FIELDS: LegacyBodyField[] = [
  { key: 'payments_available', component: 'payments', whenMissing: false },
  { key: 'search_healthy', component: 'search', whenMissing: null },
  { key: 'queue_healthy', component: 'queue', whenMissing: null },
];
const TIME = '2025-06-28T00:06:39.130Z';

describe('legacy format', () => {
  it('has status, timestamp and version only when the app gives no field', () => {
    const body = toLegacyBody(
      report(HealthStatus.HEALTHY, component('db', HealthStatus.HEALTHY)),
      '1.0.0',
      [],
      TIME,
    );
    expect(JSON.stringify(body)).toBe(
      '{"status":"healthy","timestamp":"2025-06-28T00:06:39.130Z","version":"1.0.0"}',
    );
  });

  it('writes the timestamp as given, ISO 8601 in UTC by default', () => {
    expect(isoTimestamp(1_751_069_199_130)).toBe(TIME);
    expect(isoTimestamp(0)).toBe('1970-01-01T00:00:00.000Z');
    expect(toLegacyBody(report(HealthStatus.HEALTHY), '1.0.0', [], 'at noon').timestamp).toBe(
      'at noon',
    );
  });

  it('puts the app’s fields after status, timestamp and version, in the order given', () => {
    const body = toLegacyBody(report(HealthStatus.HEALTHY), '1.0.0', FIELDS, TIME);
    expect(Object.keys(body)).toEqual([
      'status',
      'timestamp',
      'version',
      'payments_available',
      'search_healthy',
      'queue_healthy',
    ]);
    expect(JSON.stringify(body)).toBe(
      '{"status":"healthy","timestamp":"2025-06-28T00:06:39.130Z","version":"1.0.0","payments_available":false,"search_healthy":null,"queue_healthy":null}',
    );
  });

  it.each([
    [HealthStatus.HEALTHY, 'healthy'],
    [HealthStatus.DEGRADED, 'degraded'],
    [HealthStatus.UNHEALTHY, 'degraded'],
  ])('shows overall %s as "%s"', (overall, shown) => {
    expect(toLegacyBody(report(overall), '1.0.0', FIELDS, TIME).status).toBe(shown);
  });

  it.each([
    [HealthStatus.HEALTHY, true],
    [HealthStatus.DEGRADED, false],
    [HealthStatus.UNHEALTHY, false],
  ])('maps component status %s to %s in every field', (status, shown) => {
    const body = toLegacyBody(
      report(
        status,
        component('payments', status),
        component('search', status),
        component('queue', status),
      ),
      '1.0.0',
      FIELDS,
      TIME,
    );
    expect(body).toMatchObject({
      payments_available: shown,
      search_healthy: shown,
      queue_healthy: shown,
    });
  });

  it('gives each field its whenMissing while its component is not registered', () => {
    const body = toLegacyBody(
      report(HealthStatus.HEALTHY, component('database', HealthStatus.HEALTHY)),
      '9.9.9',
      FIELDS,
      TIME,
    );
    expect(body).toEqual({
      status: 'healthy',
      timestamp: TIME,
      version: '9.9.9',
      payments_available: false,
      search_healthy: null,
      queue_healthy: null,
    });
  });

  it('never counts a shadow check for its field', () => {
    const body = toLegacyBody(
      report(HealthStatus.HEALTHY, component('payments', HealthStatus.HEALTHY, true)),
      '1.0.0',
      FIELDS,
      TIME,
    );
    expect(body.payments_available).toBe(false);
  });

  it('builds the fallback body from configuration alone', () => {
    const fallback = { payments_available: true, search_healthy: null, queue_healthy: null };
    const body = legacyFallbackBody('1.0.0', TIME, fallback);
    expect(Object.keys(body)).toEqual([
      'status',
      'timestamp',
      'version',
      'payments_available',
      'search_healthy',
      'queue_healthy',
    ]);
    expect(body).toEqual({ status: 'degraded', timestamp: TIME, version: '1.0.0', ...fallback });
    expect(legacyFallbackBody('1.0.0', TIME, {})).toEqual({
      status: 'degraded',
      timestamp: TIME,
      version: '1.0.0',
    });
  });
});
