import { HealthStatus } from '@app/health';
import { CacheIndicator } from './cache.indicator';
import { CacheService } from './cache.service';

describe('CacheService (in memory)', () => {
  afterEach(() => jest.useRealTimers());

  it('returns what was set until it expires', async () => {
    jest.useFakeTimers({ now: 0 });
    const cache = new CacheService();
    await cache.set('k', 'v', 1000);
    expect(await cache.get('k')).toBe('v');
    jest.setSystemTime(1000);
    expect(await cache.get('k')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('stays within its bound by dropping the oldest entry', async () => {
    const cache = new CacheService(2);
    await cache.set('a', '1', 10_000);
    await cache.set('b', '2', 10_000);
    await cache.set('c', '3', 10_000);
    expect(cache.size).toBe(2);
    expect(await cache.get('a')).toBeUndefined();
    expect(await cache.get('c')).toBe('3');
    await cache.delete('c');
    expect(await cache.get('c')).toBeUndefined();
  });
});

describe('CacheIndicator', () => {
  it('is HEALTHY when a probe write reads back', async () => {
    const result = await new CacheIndicator(new CacheService()).check();
    expect(result).toEqual({
      status: HealthStatus.HEALTHY,
      message: 'Cache operational (in-memory)',
      metadata: { backend: 'memory', entries: 1 },
    });
  });

  it('is UNHEALTHY when the cache does not return what was written', async () => {
    class Forgetful extends CacheService {
      override async get(): Promise<string | undefined> {
        return undefined;
      }
    }
    const result = await new CacheIndicator(new Forgetful()).check();
    expect(result.status).toBe(HealthStatus.UNHEALTHY);
    expect(result.message).toBe('Cache did not return what was written');
  });
});
