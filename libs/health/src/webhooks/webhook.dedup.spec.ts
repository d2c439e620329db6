import { Logger } from '@nestjs/common';
import { eventually } from '../../../../test/support/eventually';
import { PrivateRedis } from '../../../../test/support/redis-server';
import { HealthStatus } from '../core/health-status';
import { Redactor } from '../shared/redact';
import type { Transition } from './transition.tracker';
import { dedupKey, RedisDedup } from './webhook.dedup';

const down: Transition = {
  component: 'cache',
  previous: HealthStatus.HEALTHY,
  current: HealthStatus.UNHEALTHY,
};

describe('dedupKey', () => {
  it('names the service, the scope and the transition, and no time', () => {
    expect(dedupKey('api', down)).toBe('health:webhook:api:component:cache:healthy->unhealthy');
    expect(dedupKey('api', { ...down, component: null })).toBe(
      'health:webhook:api:overall:healthy->unhealthy',
    );
    expect(dedupKey('api', { ...down, component: 'overall' })).toBe(
      'health:webhook:api:component:overall:healthy->unhealthy',
    );
  });
});

/** A claim answers something else than `unavailable` once the client is connected. */
const CONNECTED = {
  until: (result: string) => result !== 'unavailable',
  timeoutMs: 1000,
  intervalMs: 10,
};

describe('RedisDedup', () => {
  const password = 'dedup-redis-pass';
  let server: PrivateRedis;
  let logger: Logger;
  let warn: jest.SpyInstance;
  const open: RedisDedup[] = [];

  beforeAll(async () => {
    server = await PrivateRedis.start({ password });
  });
  afterAll(() => server.stop());

  beforeEach(() => {
    logger = new Logger('test');
    warn = jest.spyOn(logger, 'warn').mockImplementation();
  });
  afterEach(() => open.splice(0).forEach((d) => d.close()));

  /** A dedup connected to Redis: it answers a probe claim with something else than unavailable. */
  async function dedup(service: string, windowMs = 60_000) {
    const d = new RedisDedup(server.url, service, windowMs, logger, new Redactor([password]));
    open.push(d);
    const probe = { ...down, component: 'probe' };
    await eventually(() => d.claim(probe, 'p'), { ...CONNECTED, message: `${service} to connect` });
    warn.mockClear();
    return d;
  }

  it('lets exactly one instance claim a transition within the window', async () => {
    const [a, b, c] = await Promise.all([dedup('one'), dedup('one'), dedup('one')]);
    const results = await Promise.all([a, b, c].map((d, i) => d.claim(down, `event-${i}`)));
    expect(results.sort()).toEqual(['claimed', 'duplicate', 'duplicate']);
    expect(await a.claim({ ...down, current: HealthStatus.DEGRADED }, 'x')).toBe('claimed');
    const other = await dedup('two');
    expect(await other.claim(down, 'y')).toBe('claimed');
  });

  it('connects with options given beside the URL (a password the URL does not carry)', async () => {
    const bare = `redis://127.0.0.1:${server.port}`;
    const without = new RedisDedup(bare, 'opts', 60_000, logger, new Redactor([password]));
    const withPassword = new RedisDedup(bare, 'opts', 60_000, logger, new Redactor([password]), {
      password,
    });
    open.push(without, withPassword);
    const result = await eventually(() => withPassword.claim(down, 'with'), CONNECTED);
    expect(result).toBe('claimed');
    expect(await without.claim(down, 'without')).toBe('unavailable');
  });

  it('lets the same transition be claimed again once the window has passed', async () => {
    const d = await dedup('short', 50);
    expect(await d.claim(down, 'a')).toBe('claimed');
    expect(await d.claim(down, 'b')).toBe('duplicate');
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await d.claim(down, 'c')).toBe('claimed');
  });

  it('answers unavailable when Redis is down or hung, and logs no password', async () => {
    const d = await dedup('faults');
    await server.kill();
    try {
      expect(await d.claim(down, 'a')).toBe('unavailable');
      expect(await d.claim(down, 'b')).toBe('unavailable');
      expect(warn).toHaveBeenCalled();
      for (const [line] of warn.mock.calls) {
        expect(line).toContain('announcing anyway');
        expect(line).not.toContain(password);
      }
    } finally {
      await server.restart();
    }
    const hung = await dedup('hung');
    server.pause();
    try {
      const started = Date.now();
      expect(await hung.claim(down, 'c')).toBe('unavailable');
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      server.resume();
    }
  });

  it('logs nothing once closed', async () => {
    const d = await dedup('closing');
    warn.mockClear();
    d.close();
    expect(await d.claim(down, 'a')).toBe('unavailable');
    expect(warn).not.toHaveBeenCalled();
  });
});
