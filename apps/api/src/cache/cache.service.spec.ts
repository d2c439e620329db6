import { Logger } from '@nestjs/common';
import { eventually } from '../../../../test/support/eventually';
import { PrivateRedis, freePort } from '../../../../test/support/redis-server';
import { CacheService, describeRedisError } from './cache.service';
import { redisSettingsFromEnv } from './redis.config';

/** Asked every 20 ms, for up to 2 s. */
const POLL = { timeoutMs: 2000, intervalMs: 20 };

describe('describeRedisError', () => {
  it('says that TLS verification failed for a refused certificate', () => {
    const error = Object.assign(new Error('self-signed certificate in certificate chain'), {
      code: 'SELF_SIGNED_CERT_IN_CHAIN',
    });
    expect(describeRedisError(error)).toBe(
      'TLS certificate verification failed: self-signed certificate in certificate chain',
    );
    expect(
      describeRedisError(
        Object.assign(new Error("Hostname/IP does not match certificate's altnames"), {
          code: 'ERR_TLS_CERT_ALTNAME_INVALID',
        }),
      ),
    ).toMatch(/^TLS certificate verification failed: Hostname/);
  });

  it('says that the TLS handshake failed for an OpenSSL error', () => {
    const error = Object.assign(new Error('wrong version number'), {
      code: 'ERR_SSL_WRONG_VERSION_NUMBER',
    });
    expect(describeRedisError(error)).toBe('TLS handshake failed: wrong version number');
  });

  it('keeps other messages, and falls back to the code or the value', () => {
    expect(describeRedisError(new Error('connect ECONNREFUSED 127.0.0.1:1'))).toBe(
      'connect ECONNREFUSED 127.0.0.1:1',
    );
    expect(describeRedisError({ code: 'ECONNRESET' })).toBe('ECONNRESET');
    expect(describeRedisError('plain')).toBe('plain');
  });
});

describe('CacheService with Redis settings', () => {
  let service: CacheService | undefined;
  let logged: string[];

  beforeEach(() => {
    logged = [];
    const keep = (message: unknown) => void logged.push(String(message));
    jest.spyOn(Logger.prototype, 'log').mockImplementation(keep);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(keep);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(keep);
  });

  afterEach(() => {
    service?.onModuleDestroy();
    service = undefined;
    jest.restoreAllMocks();
  });

  it('redacts every log line: passwords from the URL and REDIS_PASSWORD, and URL credentials', async () => {
    const port = await freePort(); // nothing listens there
    service = new CacheService({
      redis: redisSettingsFromEnv({
        REDIS_URL: `redis://:url-pw-1234@127.0.0.1:${port}`,
        CACHE_REDIS_URL: `redis://127.0.0.1:${port}`,
        REDIS_PASSWORD: 'env-pw-5678',
      }),
    });
    await eventually(() => logged.length > 0, {
      ...POLL,
      message: 'a first connection error is logged',
    });
    // ioredis messages may quote the URL (ENOENT on a URL it could not parse, for one).
    service.redis!.emit('error', new Error('connect ENOENT //:url-pw-1234@127.0.0.1'));
    service.redis!.emit('error', new Error('AUTH env-pw-5678 refused'));
    service.redis!.emit('error', new Error('see redis://user:other-pw@h:1'));
    expect(logged).toEqual([
      expect.stringMatching(/^Redis unavailable, serving from memory: connect ECONNREFUSED/),
      'Redis unavailable, serving from memory: connect ENOENT //:***@127.0.0.1',
      'Redis unavailable, serving from memory: AUTH *** refused',
      'Redis unavailable, serving from memory: see redis://user:***@h:1',
    ]);
    // The cache's figures say why, redacted as well.
    expect(service.monitor.stats().redis_connection_error).toBe('see redis://user:***@h:1');
  });

  it('logs one line per distinct error, not one per reconnection attempt', async () => {
    service = new CacheService({
      redis: redisSettingsFromEnv({ REDIS_URL: `redis://127.0.0.1:${await freePort()}` }),
    });
    await new Promise((r) => setTimeout(r, 400)); // several attempts (50, 100, 200 ms)
    expect(logged).toHaveLength(1);
  });

  describe('with a password-protected Redis', () => {
    let redis: PrivateRedis;

    beforeAll(async () => {
      redis = await PrivateRedis.start({ password: 'redis-pw-42' });
    });

    afterAll(async () => {
      await redis.stop();
    });

    it('authenticates with REDIS_PASSWORD when the URL has none, and clears the error once ready', async () => {
      service = new CacheService({
        redis: redisSettingsFromEnv({
          REDIS_URL: `redis://127.0.0.1:${redis.port}/3`,
          REDIS_PASSWORD: 'redis-pw-42',
        }),
      });
      await eventually(() => service!.backend === 'redis', { ...POLL, message: 'Redis ready' });
      await service.set('k', 'v', 60_000);
      expect(await service.get('k')).toBe('v');
      expect(await service.redis!.get('api:cache:k')).toBe('v');
      expect(service.redis!.options.db).toBe(3);
      expect(service.monitor.stats()).not.toHaveProperty('redis_connection_error');
      expect(logged).toEqual([]);
    });

    it('reports a wrong password without showing it', async () => {
      service = new CacheService({
        redis: redisSettingsFromEnv({
          REDIS_URL: `redis://127.0.0.1:${redis.port}`,
          REDIS_PASSWORD: 'wrong-pw-99',
        }),
      });
      await eventually(() => logged.length > 0, { ...POLL, message: 'an error is logged' });
      expect(logged.join('\n')).toMatch(/WRONGPASS|invalid password/i);
      expect(logged.join('\n')).not.toContain('wrong-pw-99');
      expect(service.backend).toBe('memory');
    });
  });
});
