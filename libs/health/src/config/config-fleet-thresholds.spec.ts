import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import Redis from 'ioredis';
import { eventually } from '../../../../test/support/eventually';
import { PrivateRedis } from '../../../../test/support/redis-server';
import { HealthModule } from '../health.module';
import { CacheIndicator } from '../indicators/cache/cache.indicator';
import { CONFIG_FLEET_KEY, ConfigFleet } from './config-fleet';
import type { HealthCheckDefinition } from '../core/health-check';
import { HealthConfigModule } from './health-config.module';
import { HealthConfigService } from './health-config.service';

/** Asked every 10 ms, for up to 3 s. */
const POLL = { timeoutMs: 3000, intervalMs: 10 };

/**
 * An instance applies a fleet change as `layerPatch(applied, stored)`; thresholds merge name by
 * name, so a threshold removed on one instance must reach every other one as `null` (it once
 * stayed everywhere while each instance reported the new revision as applied).
 */
describe('ConfigFleet: removing one threshold of several', () => {
  let redis: PrivateRedis;
  const apps: INestApplication[] = [];

  beforeAll(async () => {
    redis = await PrivateRedis.start();
  });
  afterAll(async () => {
    for (const app of apps.splice(0)) await app.close();
    await redis.stop();
  });

  async function start(): Promise<{ config: HealthConfigService; fleet: ConfigFleet }> {
    const moduleRef = await Test.createTestingModule({
      imports: [
        HealthModule.forRoot({
          evaluationIntervalMs: 0,
          checks: [new CacheIndicator() as HealthCheckDefinition],
        }),
        HealthConfigModule.forRoot({ configFleet: { redisUrl: redis.url } }),
      ],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    apps.push(app);
    return { config: app.get(HealthConfigService), fleet: app.get(ConfigFleet) };
  }

  it('removes it on every instance', async () => {
    const client = new Redis(redis.url);
    await client.del(CONFIG_FLEET_KEY);
    client.disconnect();
    const a = await start();
    const b = await start();
    const thresholds = (instance: { config: HealthConfigService }) =>
      instance.config.configuration().checks.cache.thresholds.value;

    await a.fleet.change({
      checks: { cache: { thresholds: { minHitRatio: 0.5, maxAverageOperationMs: 100 } } },
    });
    await eventually(() => b.fleet.revision === 1, POLL);
    expect(thresholds(b)).toEqual({ minHitRatio: 0.5, maxAverageOperationMs: 100 });

    const event = await a.fleet.change({
      checks: { cache: { thresholds: { maxAverageOperationMs: null } } },
    });
    await eventually(() => b.fleet.revision === 2, POLL);
    // The stored key is right: an instance started now runs what a asked for.
    expect(thresholds(await start())).toEqual({ minHitRatio: 0.5 });
    // Both running instances say they run revision 2, in sync...
    expect(await a.fleet.status()).toMatchObject({ revision: 2, storedRevision: 2, inSync: true });
    expect(await b.fleet.status()).toMatchObject({ revision: 2, storedRevision: 2, inSync: true });
    // ...but still judge by the removed limit, and the change was answered as changing nothing.
    expect(thresholds(a)).toEqual({ minHitRatio: 0.5 });
    expect(thresholds(b)).toEqual({ minHitRatio: 0.5 });
    expect(event.changes).toEqual([
      {
        path: 'checks.cache.thresholds',
        from: { minHitRatio: 0.5, maxAverageOperationMs: 100 },
        to: { minHitRatio: 0.5 },
      },
    ]);
  });
});
