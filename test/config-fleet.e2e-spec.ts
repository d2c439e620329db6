import { eventually } from './support/eventually';
import { PrivateRedis } from './support/redis-server';
import type { RunningService } from './support/service-process';
import { ServiceProcess } from './support/service-process';

const ADMIN = 'fleet-e2e-admin-key';

type Value = { value: unknown; source: string };
type FleetConfig = { scope: string; checks: Record<string, Record<string, Value>> };
const PASSWORD = 'fleet-e2e-redis-pass';

/**
 * Runtime configuration across a fleet, as operators run it: the built service started twice
 * against one private redis-server, a PATCH on one applied on both within a second, a third
 * started later has it.
 */
describe('a fleet of built services sharing runtime configuration through Redis', () => {
  let redis: PrivateRedis;
  const services: RunningService[] = [];

  beforeAll(async () => {
    redis = await PrivateRedis.start({ password: PASSWORD });
  }, 30000);
  afterAll(async () => {
    await Promise.all(services.map((s) => s.kill()));
    await redis.stop();
  });

  const env = () => ({
    HEALTH_ADMIN_KEYS: ADMIN,
    HEALTH_CONFIG_REDIS_URL: redis.url,
    HEALTH_SHUTDOWN_DELAY_MS: '0',
  });
  async function start(): Promise<RunningService> {
    const service = await ServiceProcess.start(env());
    services.push(service);
    return service;
  }
  const admin = { 'x-api-key': ADMIN, 'content-type': 'application/json' };
  async function config(url: string): Promise<FleetConfig> {
    const res = await fetch(`${url}/v1/health/config`, { headers: admin });
    expect(res.status).toBe(200);
    return (await res.json()) as FleetConfig;
  }

  it('applies a PATCH made on one instance on both within a second; a third started later has it', async () => {
    const [a, b] = await Promise.all([start(), start()]);
    expect((await config(b.url)).scope).toBe('fleet');

    const res = await fetch(`${a.url}/v1/health/config`, {
      method: 'PATCH',
      headers: admin,
      body: JSON.stringify({ checks: { resilience: { mode: 'shadow', timeoutMs: 1500 } } }),
    });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { scope: string; revision: number };
    expect(answer).toMatchObject({ scope: 'fleet', revision: 1 });

    await eventually(
      async () => {
        const seen = (await config(b.url)).checks.resilience;
        return seen.mode.value === 'shadow' && seen.timeoutMs.value === 1500;
      },
      { timeoutMs: 1000, intervalMs: 20, message: 'the change on the other instance' },
    );
    // Seen in behaviour too: the other instance's full report marks the check as shadow.
    const component = (await (await fetch(`${b.url}/v1/health/components/resilience`)).json()) as {
      name: string;
      shadow?: boolean;
    };
    expect(component).toMatchObject({ name: 'resilience', shadow: true });

    const c = await start();
    const late = (await config(c.url)).checks.resilience;
    expect(late.mode).toEqual({ value: 'shadow', source: 'runtime' });
    expect(late.timeoutMs).toEqual({ value: 1500, source: 'runtime' });

    // A reset on the late one returns every instance to its own values.
    const reset = await fetch(`${c.url}/v1/health/config`, { method: 'DELETE', headers: admin });
    expect(reset.status).toBe(200);
    for (const service of [a, b]) {
      await eventually(
        async () => (await config(service.url)).checks.resilience.mode.value === 'active',
        { timeoutMs: 1000, intervalMs: 20, message: `the reset on ${service.url}` },
      );
    }
    for (const service of [a, b, c]) {
      expect(service.output()).not.toContain(PASSWORD);
      expect(service.output()).not.toContain(ADMIN);
    }
    expect(a.output()).toMatch(
      /configuration v2 by key:[0-9a-f]{8}: checks\.resilience\.timeoutMs/,
    );
    expect(b.output()).toMatch(/from fleet revision 1 by key:[0-9a-f]{8}/);
  }, 60000);

  it('answers 503 and changes nothing when the fleet store is down, and says what is wrong', async () => {
    const a = services[0] ?? (await start());
    redis.pause();
    try {
      const res = await fetch(`${a.url}/v1/health/config`, {
        method: 'PATCH',
        headers: admin,
        body: JSON.stringify({ checks: { resilience: { timeoutMs: 1700 } } }),
      });
      expect(res.status).toBe(503);
      const body = (await res.json()) as { message: string };
      expect(body.message).toMatch(
        /fleet configuration store redis:\/\/127\.0\.0\.1:\d+ did not take the change/,
      );
      expect(JSON.stringify(body)).not.toContain(PASSWORD);
    } finally {
      redis.resume();
    }
    expect((await config(a.url)).checks.resilience.timeoutMs.value).not.toBe(1700);
    // The legacy endpoint keeps answering whatever the fleet store does.
    expect((await fetch(`${a.url}/v1/health`)).status).toBe(200);
  }, 30000);

  it('refuses to start with a bad HEALTH_CONFIG_REDIS_URL, naming it without the password', async () => {
    await expect(
      ServiceProcess.start({ ...env(), HEALTH_CONFIG_REDIS_URL: `http://u:${PASSWORD}@h:1` }),
    ).rejects.toThrow(/HEALTH_CONFIG_REDIS_URL.*redis:\/\/ or rediss:\/\//);
    await expect(
      ServiceProcess.start({ ...env(), HEALTH_CONFIG_REDIS_URL: `http://u:${PASSWORD}@h:1` }),
    ).rejects.not.toThrow(PASSWORD);
  }, 30000);
});
