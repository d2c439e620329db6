import { execFileSync } from 'node:child_process';
import type { ComponentStatus, SystemHealthStatus } from '../core/health-status';
import { HealthStatus } from '../core/health-status';
import { formatLegacyTimestamp, legacyFallbackBody, toLegacyBody } from './legacy.format';
import { LEGACY_KEYS as KEYS } from '../../../../test/support/legacy';

const component = (name: string, status: HealthStatus): ComponentStatus => ({
  name,
  status,
  message: `${name} ${status}`,
  response_time_ms: 1,
  metadata: {},
});

const report = (overall: HealthStatus, ...components: ComponentStatus[]): SystemHealthStatus => ({
  overall_status: overall,
  components,
  timestamp: 1_751_069_199.130848,
});

describe('legacy format (run in TZ=UTC, set by the global setup)', () => {
  it('has exactly the six keys, in order', () => {
    const body = toLegacyBody(report(HealthStatus.HEALTHY), '1.0.0');
    expect(Object.keys(body)).toEqual(KEYS);
    expect(JSON.stringify(body)).toBe(
      '{"status":"healthy","timestamp":"2025-06-28T00:06:39.130848","version":"1.0.0","ai_model_available":false,"resilience_healthy":null,"cache_healthy":null}',
    );
  });

  it.each([
    [HealthStatus.HEALTHY, 'healthy'],
    [HealthStatus.DEGRADED, 'degraded'],
    [HealthStatus.UNHEALTHY, 'degraded'],
  ])('shows overall %s as "%s"', (overall, shown) => {
    expect(toLegacyBody(report(overall), '1.0.0').status).toBe(shown);
  });

  it.each([
    [HealthStatus.HEALTHY, true, true],
    [HealthStatus.DEGRADED, false, false],
    [HealthStatus.UNHEALTHY, false, false],
  ])('maps component status %s to ai_model_available=%s and *_healthy=%s', (status, ai, other) => {
    const body = toLegacyBody(
      report(
        status,
        component('ai_model', status),
        component('resilience', status),
        component('cache', status),
      ),
      '1.0.0',
    );
    expect(body).toMatchObject({
      ai_model_available: ai,
      resilience_healthy: other,
      cache_healthy: other,
    });
  });

  it('gives null for resilience and cache when they are not registered, false for a missing ai_model', () => {
    const body = toLegacyBody(
      report(HealthStatus.HEALTHY, component('database', HealthStatus.HEALTHY)),
      '9.9.9',
    );
    expect(body).toEqual({
      status: 'healthy',
      timestamp: '2025-06-28T00:06:39.130848',
      version: '9.9.9',
      ai_model_available: false,
      resilience_healthy: null,
      cache_healthy: null,
    });
  });

  it('builds the fallback body from configuration alone', () => {
    const body = legacyFallbackBody(1_751_069_199, '1.0.0', {
      ai_model_available: true,
      resilience_healthy: null,
      cache_healthy: null,
    });
    expect(Object.keys(body)).toEqual(KEYS);
    expect(body).toEqual({
      status: 'degraded',
      timestamp: '2025-06-28T00:06:39',
      version: '1.0.0',
      ai_model_available: true,
      resilience_healthy: null,
      cache_healthy: null,
    });
  });

  describe('formatLegacyTimestamp', () => {
    it.each([
      [1_751_069_199.130848, '2025-06-28T00:06:39.130848'],
      [1_751_069_199, '2025-06-28T00:06:39'],
      [1_751_069_199.5, '2025-06-28T00:06:39.500000'],
      [1_751_069_199.000001, '2025-06-28T00:06:39.000001'],
      [1_751_069_199 + 0.9999996, '2025-06-28T00:06:40'],
      [0, '1970-01-01T00:00:00'],
      [-0.25, '1969-12-31T23:59:59.750000'],
    ])('formats %d as %s', (seconds, expected) => {
      expect(formatLegacyTimestamp(seconds)).toBe(expected);
    });

    it('uses local wall-clock time, without a zone designator', () => {
      const script = `
        require('ts-node').register({ transpileOnly: true });
        const { formatLegacyTimestamp } = require('./libs/health/src/formats/legacy.format.ts');
        process.stdout.write(formatLegacyTimestamp(1751069199.130848));`;
      const inZone = (TZ: string) =>
        execFileSync(process.execPath, ['-e', script], {
          env: { ...process.env, TZ },
          encoding: 'utf8',
        });
      expect(inZone('Asia/Kolkata')).toBe('2025-06-28T05:36:39.130848');
      expect(inZone('America/New_York')).toBe('2025-06-27T20:06:39.130848');
    });
  });
});
