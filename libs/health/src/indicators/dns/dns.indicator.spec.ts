import { performance } from 'node:perf_hooks';
import { HealthService } from '../../core/health.service';
import { HealthStatus } from '../../core/health-status';
import type { DnsIndicatorOptions } from './dns.indicator';
import { DnsIndicator } from './dns.indicator';

function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin
  }
}

/** Long enough for a resolver with no server to give up (see the engine test below). */
jest.setTimeout(45_000);

describe('DnsIndicator (the system resolver)', () => {
  const signal = () => new AbortController().signal;

  it('is HEALTHY when the name resolves (localhost, from the hosts file), listing the addresses', async () => {
    const dns = new DnsIndicator({ hostname: 'localhost', family: 4 });
    const result = await dns.check(signal());
    expect(result).toMatchObject({
      status: HealthStatus.HEALTHY,
      message: expect.stringMatching(/^localhost resolves to \d+ address(es)?$/),
      metadata: { lookup_ms: expect.any(Number) },
    });
    expect(result.metadata?.addresses).toContain('127.0.0.1');
    expect(result.metadata?.address_count).toBeGreaterThanOrEqual(1);
    expect(dns.name).toBe('dns');
    expect(dns.baseMetadata).toEqual({ hostname: 'localhost' });
  });

  it('is DEGRADED when the lookup took longer than degradedLatencyMs (the loop was held)', async () => {
    const dns = new DnsIndicator({ hostname: 'localhost', degradedLatencyMs: 5 });
    const pending = dns.check(signal());
    busy(30);
    const result = await pending;
    expect(result.status).toBe(HealthStatus.DEGRADED);
    expect(result.message).toMatch(
      /^localhost resolves to \d+ address(es)? in [\d.]+ ms, above 5 ms$/,
    );
  });

  it('rejects naming the name and the resolver error when it does not resolve', async () => {
    const dns = new DnsIndicator({ hostname: 'nonexistent.invalid' });
    await expect(dns.check(signal())).rejects.toThrow(
      /^Cannot resolve nonexistent\.invalid: getaddrinfo (ENOTFOUND|EAI_AGAIN) nonexistent\.invalid$/,
    );
  });

  it('through the engine: UNHEALTHY with the reason; settles at once when aborted', async () => {
    const service = new HealthService({
      checks: [new DnsIndicator({ name: 'gone', hostname: 'nonexistent.invalid' })],
      // A machine without a reachable DNS server answers EAI_AGAIN only after the resolver's
      // own timeouts (resolv.conf: 5 s, 2 attempts): this check must not time out first.
      defaultTimeoutMs: 30_000,
      retries: 0,
    });
    try {
      expect(await service.checkComponent('gone')).toMatchObject({
        status: HealthStatus.UNHEALTHY,
        message: expect.stringMatching(/^gone check failed: Cannot resolve nonexistent\.invalid: /),
        metadata: { hostname: 'nonexistent.invalid' },
      });
    } finally {
      service.onModuleDestroy();
    }
    const dns = new DnsIndicator({ hostname: 'localhost' });
    const controller = new AbortController();
    const pending = dns.check(controller.signal);
    controller.abort(new Error('timed out'));
    await expect(pending).rejects.toThrow('timed out');
    await expect(dns.check(controller.signal)).rejects.toThrow('timed out');
  });

  it.each<[string, unknown, RegExp]>([
    ['no options', null, /DnsIndicator options: null \(expected an object\)/],
    ['no hostname', {}, /DnsIndicator\.hostname: undefined \(expected a host name\)/],
    ['a URL', { hostname: 'http://x' }, /DnsIndicator\.hostname: "http:\/\/x"/],
    ['a label over 63', { hostname: `${'a'.repeat(64)}.com` }, /DnsIndicator\.hostname/],
    ['family 5', { hostname: 'x', family: 5 }, /DnsIndicator\.family: 5 \(expected 0, 4 or 6\)/],
    [
      'a bad latency',
      { hostname: 'x', degradedLatencyMs: 1.5 },
      /DnsIndicator\.degradedLatencyMs: 1\.5/,
    ],
  ])('refuses %s at construction, naming the option', (_case, options, message) => {
    expect(() => new DnsIndicator(options as DnsIndicatorOptions)).toThrow(message);
  });
});
