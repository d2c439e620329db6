import { once } from 'node:events';
import type { AddressInfo, Server, Socket } from 'node:net';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { HealthService } from '../../core/health.service';
import { HealthStatus } from '../../core/health-status';
import { FullBacklog } from '../../../../../test/support/full-backlog';
import { freePort } from '../../../../../test/support/redis-server';
import { eventually } from '../../../../../test/support/eventually';
import type { TcpIndicatorOptions } from './tcp.indicator';
import { TcpIndicator } from './tcp.indicator';

/** Holds the event loop, as a CPU-bound request would. */
function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin
  }
}

describe('TcpIndicator (real sockets on loopback)', () => {
  let server: Server;
  let port: number;
  const open = new Set<Socket>();

  beforeAll(async () => {
    server = createServer((socket) => {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.close();
    await once(server, 'close');
  });

  const signal = () => new AbortController().signal;

  it('is HEALTHY when the port accepts a connection, and closes it at once', async () => {
    const tcp = new TcpIndicator({ host: '127.0.0.1', port });
    const result = await tcp.check(signal());
    expect(result).toMatchObject({
      status: HealthStatus.HEALTHY,
      message: expect.stringMatching(new RegExp(`^127\\.0\\.0\\.1:${port} accepts connections$`)),
      metadata: { connect_ms: expect.any(Number) },
    });
    expect(tcp.baseMetadata).toEqual({ host: '127.0.0.1', port });
    expect(tcp.name).toBe('tcp');
    await eventually(() => open.size === 0, { timeoutMs: 2000, intervalMs: 10 });
  });

  it('is DEGRADED when connecting took longer than degradedLatencyMs (the loop was held)', async () => {
    const tcp = new TcpIndicator({ host: '127.0.0.1', port, degradedLatencyMs: 5 });
    const pending = tcp.check(signal());
    busy(30);
    const result = await pending;
    expect(result.status).toBe(HealthStatus.DEGRADED);
    expect(result.message).toMatch(/accepted a connection in [\d.]+ ms, above 5 ms$/);
    expect(result.metadata?.connect_ms).toBeGreaterThan(5);
  });

  it('rejects, naming host and port, when the connection is refused', async () => {
    const closed = await freePort();
    const tcp = new TcpIndicator({ host: '127.0.0.1', port: closed });
    await expect(tcp.check(signal())).rejects.toThrow(
      `127.0.0.1:${closed}: connect ECONNREFUSED 127.0.0.1:${closed}`,
    );
  });

  it('gives up after connectTimeoutMs when connecting hangs (a SIGSTOPped server, its queue full)', async () => {
    const hole = await FullBacklog.start();
    try {
      const tcp = new TcpIndicator({ host: '127.0.0.1', port: hole.port, connectTimeoutMs: 150 });
      await expect(tcp.check(signal())).rejects.toThrow(
        `127.0.0.1:${hole.port}: no connection within 150 ms`,
      );
    } finally {
      await hole.stop();
    }
  });

  it('through the engine: refused is UNHEALTHY, retried; a hang is the engine timeout, aborted', async () => {
    const hole = await FullBacklog.start();
    const closed = await freePort();
    const service = new HealthService({
      checks: [
        new TcpIndicator({ name: 'refused', host: '127.0.0.1', port: closed }),
        new TcpIndicator({ name: 'hung', host: '127.0.0.1', port: hole.port }),
        new TcpIndicator({ name: 'up', host: 'localhost', port }),
      ],
      defaultTimeoutMs: 200,
      retries: 1,
    });
    try {
      const started = performance.now();
      const [refused, hung, up] = await Promise.all([
        service.checkComponent('refused'),
        service.checkComponent('hung'),
        service.checkComponent('up'),
      ]);
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(refused).toMatchObject({
        status: HealthStatus.UNHEALTHY,
        message: `refused check failed: 127.0.0.1:${closed}: connect ECONNREFUSED 127.0.0.1:${closed}`,
        metadata: { host: '127.0.0.1', port: closed, attempts: 2 },
      });
      expect(hung).toMatchObject({
        status: HealthStatus.DEGRADED,
        message: 'hung timed out after 200 ms',
      });
      expect(up).toMatchObject({ status: HealthStatus.HEALTHY, metadata: { host: 'localhost' } });
    } finally {
      service.onModuleDestroy();
      await hole.stop();
    }
  });

  it('destroys the socket when the signal aborts, and rejects with the reason', async () => {
    const hole = await FullBacklog.start();
    try {
      const tcp = new TcpIndicator({ host: '127.0.0.1', port: hole.port });
      const controller = new AbortController();
      const pending = tcp.check(controller.signal);
      controller.abort(new Error('stop now'));
      await expect(pending).rejects.toThrow('stop now');
      const aborted = new AbortController();
      aborted.abort(new Error('already'));
      await expect(tcp.check(aborted.signal)).rejects.toThrow('already');
    } finally {
      await hole.stop();
    }
  });

  it('names an IPv6 address in brackets', async () => {
    const closed = await freePort();
    const tcp = new TcpIndicator({ host: '::1', port: closed });
    await expect(tcp.check(signal())).rejects.toThrow(new RegExp(`^\\[::1\\]:${closed}: `));
  });

  it.each<[string, unknown, RegExp]>([
    ['no options', undefined, /TcpIndicator options: undefined \(expected an object\)/],
    [
      'no host',
      { port: 80 },
      /TcpIndicator\.host: undefined \(expected a host name or IP address\)/,
    ],
    ['a host with a path', { host: 'a/b', port: 80 }, /TcpIndicator\.host: "a\/b"/],
    [
      'port 0',
      { host: 'h', port: 0 },
      /TcpIndicator\.port: 0 \(expected an integer port from 1 to 65535\)/,
    ],
    ['port 70000', { host: 'h', port: 70000 }, /TcpIndicator\.port: 70000/],
    ['a bad name', { host: 'h', port: 1, name: 'Main TCP' }, /TcpIndicator\.name: "Main TCP"/],
    [
      'a negative latency',
      { host: 'h', port: 1, degradedLatencyMs: -1 },
      /TcpIndicator\.degradedLatencyMs: -1/,
    ],
    [
      'a zero timeout',
      { host: 'h', port: 1, connectTimeoutMs: 0 },
      /TcpIndicator\.connectTimeoutMs: 0/,
    ],
  ])('refuses %s at construction, naming the option', (_case, options, message) => {
    expect(() => new TcpIndicator(options as TcpIndicatorOptions)).toThrow(message);
  });
});
