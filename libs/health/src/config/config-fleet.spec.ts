import type { INestApplication } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import Redis from 'ioredis';
import request from 'supertest';
import { eventually } from '../../../../test/support/eventually';
import { PrivateRedis } from '../../../../test/support/redis-server';
import { HealthModule } from '../health.module';
import { healthOptionsFromEnv } from '../health.env';
import { healthConfigOptionsFromEnv } from './config.env';
import type { HealthConfigModuleOptions } from './config.options';
import { resolveConfigSettings } from './config.options';
import { HealthConfigModule } from './health-config.module';
import { HealthConfigService } from './health-config.service';
import type { FleetChangeEvent } from './config-fleet';
import { CONFIG_FLEET_KEY, ConfigFleet, ConfigFleetUnavailableError } from './config-fleet';
import { describeTarget } from './config-fleet.options';
import { HealthConfigurationError } from '../shared/errors';
import { HealthStatus } from '../core/health-status';

const ADMIN = 'fleet-admin-key-01';
const healthy = () => ({ status: HealthStatus.HEALTHY });

interface Instance {
  app: INestApplication;
  config: HealthConfigService;
  fleet: ConfigFleet;
}

/** Asked every 10 ms, for up to 3 s. */
const POLL = { timeoutMs: 3000, intervalMs: 10 };

describe('ConfigFleet: runtime configuration shared through Redis', () => {
  let redis: PrivateRedis;
  const instances: Instance[] = [];
  let logs: string[];

  beforeAll(async () => {
    redis = await PrivateRedis.start({ password: 'fleet-pass-1234' });
  });
  afterAll(async () => {
    await redis.stop();
  });
  beforeEach(async () => {
    logs = [];
    for (const level of ['log', 'warn'] as const) {
      jest.spyOn(Logger.prototype, level).mockImplementation(((line: unknown) => {
        logs.push(String(line));
      }) as never);
    }
    const client = new Redis(redis.url);
    await client.del(CONFIG_FLEET_KEY, 'other:key');
    // Saved empty: a restart (the private server loads its dump) starts from nothing.
    await client.save();
    client.disconnect();
  });
  afterEach(async () => {
    for (const { app } of instances.splice(0)) await app.close();
    redis.resume();
    jest.restoreAllMocks();
  });

  async function start(
    options: HealthConfigModuleOptions = {},
    names = ['db', 'cache'],
  ): Promise<Instance> {
    const moduleRef = await Test.createTestingModule({
      imports: [
        HealthModule.forRoot({
          evaluationIntervalMs: 0,
          checks: names.map((name) => ({ name, check: healthy })),
        }),
        HealthConfigModule.forRoot({
          adminKeys: [ADMIN],
          configFleet: { redisUrl: redis.url },
          ...options,
        }),
      ],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    const instance = {
      app,
      config: app.get(HealthConfigService),
      fleet: app.get(ConfigFleet),
    };
    instances.push(instance);
    return instance;
  }

  const timeoutOf = (instance: Instance, name: string) =>
    instance.config.configuration().checks[name]?.timeoutMs;

  it('applies a change made on one instance on every other, and on one started later', async () => {
    const a = await start();
    const b = await start();
    expect(a.fleet.connected).toBe(true);
    const event = await a.fleet.change(
      { checks: { db: { timeoutMs: 750 } } },
      { actor: 'key:abcd1234' },
    );
    expect(event).toMatchObject({
      revision: 1,
      changes: [{ path: 'checks.db.timeoutMs', to: 750 }],
    });
    expect(timeoutOf(a, 'db')).toEqual({ value: 750, source: 'runtime' });
    await eventually(() => timeoutOf(b, 'db')?.value === 750, { ...POLL, timeoutMs: 1000 });
    expect(b.fleet.revision).toBe(1);
    expect(logs.join('\n')).toContain('from fleet revision 1 by key:abcd1234: checks.db.timeoutMs');

    const c = await start();
    expect(timeoutOf(c, 'db')).toEqual({ value: 750, source: 'runtime' });
    expect(c.fleet.revision).toBe(1);

    // A later change only touches what it names: removing a value shows the lower layer again.
    await b.fleet.change({ checks: { db: { timeoutMs: null }, cache: { mode: 'shadow' } } });
    await eventually(() => c.config.configuration().checks.cache.mode.value === 'shadow', POLL);
    await eventually(() => a.config.configuration().checks.cache.mode.value === 'shadow', POLL);
    expect(timeoutOf(a, 'db')).toEqual({ value: 2000, source: 'default' });
    expect(timeoutOf(c, 'db')?.value).toBe(2000);
  });

  it('stores nothing and changes nothing for an invalid patch or an unknown check', async () => {
    const a = await start();
    const b = await start();
    await expect(a.fleet.change({ checks: { db: { timeoutMs: 0 } } })).rejects.toThrow(
      HealthConfigurationError,
    );
    await expect(a.fleet.change({ checks: { nope: { timeoutMs: 10 } } })).rejects.toThrow(
      /checks\.nope/,
    );
    await expect(a.fleet.change({ unknown: 1 })).rejects.toThrow(HealthConfigurationError);
    const client = new Redis(redis.url);
    expect(await client.get(CONFIG_FLEET_KEY)).toBeNull();
    client.disconnect();
    expect(a.config.version).toBe(1);
    expect(b.config.version).toBe(1);
  });

  it('a patch that changes nothing stores nothing; a reset clears the fleet and local values', async () => {
    const a = await start();
    const b = await start();
    const none = await a.fleet.change({ checks: { db: { timeoutMs: null } } });
    expect(none).toMatchObject({ revision: 0, changes: [] });
    await a.fleet.change({ defaults: { retries: 2 } });
    await eventually(() => b.config.configuration().defaults.retries.value === 2, POLL);
    b.config.applyConfiguration({ checks: { cache: { critical: false } } });
    const reset = await b.fleet.reset({ actor: 'key:00000000' });
    expect(reset.revision).toBe(2);
    expect(b.config.configuration().checks.cache.critical.source).toBe('default');
    expect(b.config.configuration().defaults.retries.source).toBe('default');
    await eventually(() => a.config.configuration().defaults.retries.source === 'default', POLL);
    // Reset again with nothing stored: nothing is written, local values still dropped.
    b.config.applyConfiguration({ checks: { cache: { critical: false } } });
    const again = await b.fleet.reset();
    expect(again.revision).toBe(2);
    expect(b.config.configuration().checks.cache.critical.value).toBe(true);
  });

  it('answers ConfigFleetUnavailableError, changing nothing, when Redis is stopped or gone', async () => {
    const a = await start();
    redis.pause();
    // A bad patch is a bad patch, whether or not Redis answers.
    await expect(a.fleet.change({ checks: { db: { timeoutMs: -5 } } })).rejects.toThrow(
      HealthConfigurationError,
    );
    const paused = a.fleet.change({ checks: { db: { timeoutMs: 900 } } });
    await expect(paused).rejects.toThrow(ConfigFleetUnavailableError);
    await expect(paused).rejects.toThrow(/127\.0\.0\.1:\d+.*nothing applied/);
    await expect(paused).rejects.not.toThrow(/fleet-pass-1234/);
    redis.resume();
    expect(timeoutOf(a, 'db')?.value).toBe(2000);

    await redis.kill();
    await expect(a.fleet.change({ checks: { db: { timeoutMs: 900 } } })).rejects.toThrow(
      ConfigFleetUnavailableError,
    );
    expect(a.config.version).toBe(1);
    expect(logs.join('\n')).not.toContain('fleet-pass-1234');
    await redis.restart();
  });

  it('catches up after a reconnect with what changed while it was away', async () => {
    const a = await start();
    // Stored without a message (as if published while `a` was away), saved, and the server
    // restarted: only the reload on reconnect can bring it.
    const client = new Redis(redis.url);
    await client.set(
      CONFIG_FLEET_KEY,
      JSON.stringify({ revision: 4, layer: { checks: { db: { timeoutMs: 321 } } } }),
    );
    await client.save();
    client.disconnect();
    expect(timeoutOf(a, 'db')?.value).toBe(2000);
    await redis.kill();
    await redis.restart();
    await eventually(() => timeoutOf(a, 'db')?.value === 321, { ...POLL, timeoutMs: 5000 });
    expect(a.fleet.revision).toBe(4);
  });

  it('leaves out checks this instance does not have; a message is only a hint to read the key', async () => {
    const a = await start({}, ['db', 'cache', 'queue']);
    const b = await start({}, ['db']);
    await a.fleet.change({ checks: { queue: { timeoutMs: 500 }, db: { retries: 3 } } });
    await eventually(() => b.config.configuration().checks.db.retries.value === 3, POLL);
    expect(b.config.configuration().checks.queue).toBeUndefined();
    expect(logs.join('\n')).toMatch(
      /fleet revision 1 sets checks this instance does not have, left out here: queue/,
    );

    const client = new Redis(redis.url);
    // Published states are never applied: not junk, not a valid one, not one with a huge revision.
    await client.publish(CONFIG_FLEET_KEY, 'not json');
    await client.publish(
      CONFIG_FLEET_KEY,
      JSON.stringify({ revision: 9007199254740991, layer: { checks: { db: { timeoutMs: 0 } } } }),
    );
    await client.publish(
      CONFIG_FLEET_KEY,
      JSON.stringify({ revision: 7, layer: { checks: { db: { timeoutMs: 777 } } } }),
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(b.config.configuration().checks.db.timeoutMs.value).toBe(2000);
    expect(b.fleet.revision).toBe(1);
    // The same state stored: read, applied with its revision.
    await client.set(
      CONFIG_FLEET_KEY,
      JSON.stringify({ revision: 7, layer: { checks: { db: { timeoutMs: 777 } } } }),
    );
    await client.publish(CONFIG_FLEET_KEY, 'read it');
    await eventually(() => b.config.configuration().checks.db.timeoutMs.value === 777, POLL);
    expect(b.fleet.revision).toBe(7);
    // A stored value the engine rejects: kept out, counted, logged, the revision not advanced.
    await client.set(
      CONFIG_FLEET_KEY,
      JSON.stringify({ revision: 8, layer: { checks: { db: { timeoutMs: -1 } } } }),
    );
    await client.publish(CONFIG_FLEET_KEY, 'read it');
    await eventually(() => b.config.failures === 1, POLL);
    expect(b.config.configuration().checks.db.timeoutMs.value).toBe(777);
    expect(b.fleet.revision).toBe(7);
    expect(await b.fleet.status()).toMatchObject({ revision: 7, storedRevision: 8, inSync: false });
    expect(logs.join('\n')).toMatch(
      /stored configuration is unreadable: Invalid setting checks\.db\.timeoutMs: a number/,
    );
    // An unreadable stored value: a change says so and stores nothing; a reset replaces it.
    await client.set(CONFIG_FLEET_KEY, '{"revision":"x"}');
    await expect(a.fleet.change({ defaults: { retries: 1 } })).rejects.toThrow(/unreadable/);
    const reset = await a.fleet.reset();
    expect(reset.revision).toBeGreaterThan(0);
    expect(JSON.parse((await client.get(CONFIG_FLEET_KEY))!)).toMatchObject({
      revision: reset.revision,
      layer: { checks: {} },
    });
    client.disconnect();
  });

  it('does not lose an update when two instances change at once', async () => {
    const a = await start();
    const b = await start();
    const results = await Promise.all([
      a.fleet.change({ checks: { db: { timeoutMs: 111 } } }),
      b.fleet.change({ checks: { cache: { timeoutMs: 222 } } }),
      a.fleet.change({ defaults: { retries: 3 } }),
    ]);
    expect(results.map((r: FleetChangeEvent) => r.revision).sort()).toEqual([1, 2, 3]);
    for (const instance of [a, b]) {
      await eventually(() => instance.fleet.revision === 3, POLL);
      const configuration = instance.config.configuration();
      expect(configuration.checks.db.timeoutMs.value).toBe(111);
      expect(configuration.checks.cache.timeoutMs.value).toBe(222);
      expect(configuration.defaults.retries.value).toBe(3);
    }
  });

  it('starts without Redis, says so, and loads the fleet once Redis answers', async () => {
    const client = new Redis(redis.url);
    await client.set(
      CONFIG_FLEET_KEY,
      JSON.stringify({ revision: 2, layer: { checks: { db: { timeoutMs: 444 } } } }),
    );
    await client.save();
    client.disconnect();
    await redis.kill();
    const a = await start();
    expect(a.fleet.connected).toBe(false);
    expect(logs.join('\n')).toMatch(/not reachable at startup/);
    expect(timeoutOf(a, 'db')?.value).toBe(2000);
    await redis.restart();
    await eventually(() => timeoutOf(a, 'db')?.value === 444, { ...POLL, timeoutMs: 5000 });
  });

  it('keeps services apart by key', async () => {
    const a = await start({ configFleet: { redisUrl: redis.url, key: 'other:key' } });
    const b = await start();
    await a.fleet.change({ checks: { db: { timeoutMs: 600 } } });
    await new Promise((r) => setTimeout(r, 300));
    expect(timeoutOf(b, 'db')?.value).toBe(2000);
  });

  describe('over HTTP', () => {
    it('answers scope fleet with the revision, 503 when Redis cannot take it, and dry runs', async () => {
      const a = await start();
      const b = await start();
      const http = () => request(a.app.getHttpServer());
      const got = await http().get('/v1/health/config').set('x-api-key', ADMIN).expect(200);
      expect(got.body).toMatchObject({ scope: 'fleet', fleet: { revision: 0, connected: true } });

      const dry = await http()
        .patch('/v1/health/config?dryRun=true')
        .set('x-api-key', ADMIN)
        .send({ checks: { db: { timeoutMs: 800 } } })
        .expect(200);
      expect(dry.body).toMatchObject({ dryRun: true, changes: [{ path: 'checks.db.timeoutMs' }] });
      expect(timeoutOf(a, 'db')?.value).toBe(2000);
      await http()
        .patch('/v1/health/config?dryRun=maybe')
        .set('x-api-key', ADMIN)
        .send({})
        .expect(400);

      const patched = await http()
        .patch('/v1/health/config')
        .set('x-api-key', ADMIN)
        .send({ checks: { db: { timeoutMs: 800 } } })
        .expect(200);
      expect(patched.body).toMatchObject({ scope: 'fleet', revision: 1 });
      expect(logs.join('\n')).toMatch(
        /configuration v2 by key:[0-9a-f]{8}: checks\.db\.timeoutMs 2000 -> 800/,
      );
      await eventually(() => timeoutOf(b, 'db')?.value === 800, { ...POLL, timeoutMs: 1000 });

      const bad = await http()
        .patch('/v1/health/config')
        .set('x-api-key', ADMIN)
        .send({ checks: { db: { retries: -1 } } })
        .expect(400);
      expect(bad.body.message).toContain('checks.db.retries');

      redis.pause();
      const down = await http()
        .patch('/v1/health/config')
        .set('x-api-key', ADMIN)
        .send({ checks: { db: { timeoutMs: 900 } } })
        .expect(503);
      expect(down.body.message).toMatch(/nothing applied/);
      expect(JSON.stringify(down.body)).not.toContain('fleet-pass-1234');
      const reset = await http().delete('/v1/health/config').set('x-api-key', ADMIN).expect(503);
      expect(reset.body.message).toMatch(/did not take the change/);
      redis.resume();
      expect(timeoutOf(a, 'db')?.value).toBe(800);

      const cleared = await http().delete('/v1/health/config').set('x-api-key', ADMIN).expect(200);
      expect(cleared.body).toMatchObject({ scope: 'fleet', revision: 2 });
      await eventually(() => timeoutOf(b, 'db')?.value === 2000, { ...POLL, timeoutMs: 1000 });
    });
  });
});

describe('configFleet options', () => {
  it('are read from HEALTH_CONFIG_REDIS_URL and _KEY, the password kept as a secret', () => {
    const env = {
      HEALTH_CONFIG_REDIS_URL: 'redis://u:s3cr%40t@redis.internal:6380/2',
      HEALTH_CONFIG_REDIS_KEY: 'svc:config',
    };
    expect(healthConfigOptionsFromEnv(env).configFleet).toEqual({
      redisUrl: 'redis://u:s3cr%40t@redis.internal:6380/2',
      key: 'svc:config',
    });
    expect(healthOptionsFromEnv(env).secrets).toEqual(
      expect.arrayContaining(['s3cr%40t', 's3cr@t']),
    );
    expect(healthConfigOptionsFromEnv({}).configFleet).toBeUndefined();
    expect(healthOptionsFromEnv({ HEALTH_CONFIG_REDIS_URL: 'not a url' }).secrets).toBeUndefined();
  });

  it('reject a bad URL or key, naming the option and never the password', () => {
    const bad = (configFleet: unknown) => () =>
      resolveConfigSettings({ configFleet } as HealthConfigModuleOptions);
    expect(bad({ redisUrl: 'http://user:hunter2@host:1' })).toThrow(
      /configFleet\.redisUrl: "http:\/\/host:1"/,
    );
    expect(bad({ redisUrl: 'http://user:hunter2@host:1' })).not.toThrow(/hunter2/);
    expect(bad({ redisUrl: '::nope' })).toThrow(/configFleet\.redisUrl/);
    expect(bad({ redisUrl: 42 })).toThrow(/configFleet\.redisUrl: 42/);
    expect(bad({ redisUrl: 'redis://h:1', key: ' ' })).toThrow(/configFleet\.key/);
    expect(bad(null)).toThrow(/configFleet/);
    expect(bad({ redisUrl: 'rediss://h:1', key: 'k' })).not.toThrow();
  });

  it('describe a target by host, port and database only', () => {
    expect(describeTarget('redis://a:b@h:1/3')).toBe('redis://h:1/3');
    expect(describeTarget('rediss://h:1')).toBe('rediss://h:1');
    expect(describeTarget('%%')).toBe('(unparsable URL)');
  });

  it('without configFleet, the service works alone and the fleet API refuses', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        HealthModule.forRoot({ evaluationIntervalMs: 0, checks: [] }),
        HealthConfigModule.forRoot(),
      ],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    const fleet = app.get(ConfigFleet);
    expect(fleet.enabled).toBe(false);
    expect(fleet.connected).toBe(false);
    await expect(fleet.change({})).rejects.toThrow(/not started/);
    await app.close();
  });
});
