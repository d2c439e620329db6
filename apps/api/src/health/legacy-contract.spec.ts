import type { HealthCheckDefinition } from '@nest-health/core';
import { HealthModule, HealthService, HealthStatus } from '@nest-health/core';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { execFileSync } from 'node:child_process';
import request from 'supertest';
import { LEGACY_KEYS as KEYS } from '../../../../test/support/legacy';
import { formatLegacyTimestamp, LEGACY_TEMPLATE_FIELDS, legacyContract } from './legacy-contract';

/** 2025-06-28T00:06:39.130848 in UTC, in epoch milliseconds. */
const AT_MS = 1_751_069_199_130.848;

const check = (name: string, status: HealthStatus): HealthCheckDefinition => ({
  name,
  critical: false,
  check: () => ({ status }),
});

describe('the template’s legacy contract on the library’s GET /v1/health (TZ=UTC, set by the global setup)', () => {
  let app: INestApplication | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
    jest.restoreAllMocks();
  });

  /** An app serving the legacy body the template’s way, its clock stopped at `AT_MS`. */
  async function body(
    checks: HealthCheckDefinition[],
    { version = '1.0.0', aiKey = false, engineFails = false } = {},
  ): Promise<{ text: string; body: Record<string, unknown> }> {
    const moduleRef = await Test.createTestingModule({
      imports: [
        HealthModule.forRoot({
          version,
          evaluationIntervalMs: 0,
          retries: 0,
          clock: { monotonicMs: () => performance.now(), epochMs: () => AT_MS },
          checks,
          legacy: legacyContract(aiKey),
          http: { endpoints: { legacy: true } },
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    if (engineFails) {
      jest.spyOn(app.get(HealthService), 'check').mockRejectedValue(new Error('engine down'));
    }
    const res = await request(app.getHttpServer()).get('/v1/health').expect(200);
    return { text: res.text, body: res.body };
  }

  it('has exactly the six keys, in order', async () => {
    const { text, body: legacy } = await body([]);
    expect(Object.keys(legacy)).toEqual(KEYS);
    expect(text).toBe(
      '{"status":"healthy","timestamp":"2025-06-28T00:06:39.130848","version":"1.0.0","ai_model_available":false,"resilience_healthy":null,"cache_healthy":null}',
    );
  });

  it('names the three components of the template, in the contract’s order', () => {
    expect(LEGACY_TEMPLATE_FIELDS.map((field) => [field.key, field.component])).toEqual([
      ['ai_model_available', 'ai_model'],
      ['resilience_healthy', 'resilience'],
      ['cache_healthy', 'cache'],
    ]);
    expect(legacyContract(true)).toEqual({
      fields: LEGACY_TEMPLATE_FIELDS,
      timestamp: formatLegacyTimestamp,
      fallback: { ai_model_available: true },
    });
  });

  it.each([
    [HealthStatus.HEALTHY, 'healthy'],
    [HealthStatus.DEGRADED, 'degraded'],
    [HealthStatus.UNHEALTHY, 'degraded'],
  ])('shows overall %s as "%s"', async (status, shown) => {
    expect((await body([{ ...check('db', status), critical: true }])).body.status).toBe(shown);
  });

  it.each([
    [HealthStatus.HEALTHY, true, true],
    [HealthStatus.DEGRADED, false, false],
    [HealthStatus.UNHEALTHY, false, false],
  ])(
    'maps component status %s to ai_model_available=%s and *_healthy=%s',
    async (status, ai, other) => {
      const legacy = await body([
        check('ai_model', status),
        check('resilience', status),
        check('cache', status),
      ]);
      expect(legacy.body).toMatchObject({
        ai_model_available: ai,
        resilience_healthy: other,
        cache_healthy: other,
      });
    },
  );

  it('gives null for resilience and cache when they are not registered, false for a missing ai_model', async () => {
    const legacy = await body([check('database', HealthStatus.HEALTHY)], { version: '9.9.9' });
    expect(legacy.body).toEqual({
      status: 'healthy',
      timestamp: '2025-06-28T00:06:39.130848',
      version: '9.9.9',
      ai_model_available: false,
      resilience_healthy: null,
      cache_healthy: null,
    });
  });

  it('builds the fallback body from configuration alone', async () => {
    for (const aiKey of [true, false]) {
      const legacy = await body([check('cache', HealthStatus.HEALTHY)], {
        aiKey,
        engineFails: true,
      });
      expect(Object.keys(legacy.body)).toEqual(KEYS);
      expect(legacy.body).toEqual({
        status: 'degraded',
        timestamp: '2025-06-28T00:06:39.130848',
        version: '1.0.0',
        ai_model_available: aiKey,
        resilience_healthy: null,
        cache_healthy: null,
      });
      await app!.close();
      app = undefined;
    }
  });
});

describe('formatLegacyTimestamp', () => {
  it.each([
    [1_751_069_199_130.848, '2025-06-28T00:06:39.130848'],
    [1_751_069_199_000, '2025-06-28T00:06:39'],
    [1_751_069_199_500, '2025-06-28T00:06:39.500000'],
    [1_751_069_199_000.001, '2025-06-28T00:06:39.000001'],
    [1_751_069_199_000 + 999.9996, '2025-06-28T00:06:40'],
    [0, '1970-01-01T00:00:00'],
    [-250, '1969-12-31T23:59:59.750000'],
  ])('formats %d ms as %s', (epochMs, expected) => {
    expect(formatLegacyTimestamp(epochMs)).toBe(expected);
  });

  it('uses local wall-clock time, without a zone designator', () => {
    const script = `
      require('ts-node').register({ transpileOnly: true });
      const { formatLegacyTimestamp } = require('./apps/api/src/health/legacy-contract.ts');
      process.stdout.write(formatLegacyTimestamp(1751069199130.848));`;
    const inZone = (TZ: string) =>
      execFileSync(process.execPath, ['-e', script], {
        env: { ...process.env, TZ },
        encoding: 'utf8',
      });
    expect(inZone('Asia/Kolkata')).toBe('2025-06-28T05:36:39.130848');
    expect(inZone('America/New_York')).toBe('2025-06-27T20:06:39.130848');
  });
});
