import type { sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import { credentials, Server, ServerCredentials, status as GrpcStatus } from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import { HealthService } from '../../core/health.service';
import { HealthStatus } from '../../core/health-status';
import { eventually } from '../../../../../test/support/eventually';
import { freePort } from '../../../../../test/support/redis-server';
import { TestCertificates } from '../../../../../test/support/tls';
import { GrpcIndicator } from '../../grpc';
import type { GrpcIndicatorOptions } from './grpc.indicator';

const identity = (bytes: Buffer) => bytes;
const HEALTH = {
  Check: {
    path: '/grpc.health.v1.Health/Check',
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  },
};
const PING = { Ping: { ...HEALTH.Check, path: '/test.Other/Ping' } };

/** The service name of a HealthCheckRequest (a short one: one length byte). */
function serviceOf(request: Buffer): string {
  return request.length === 0 ? '' : request.subarray(2, 2 + request[1]).toString('utf8');
}

/** An in-process grpc-js server playing the health service: one behaviour per service name. */
async function startServer(
  withHealth = true,
  serverCredentials = ServerCredentials.createInsecure(),
) {
  const server = new Server();
  const cancelled: string[] = [];
  const statuses: Record<string, number> = { '': 1, orders: 1, payments: 2, odd: 7 };
  if (withHealth) {
    server.addService(HEALTH, {
      Check: (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => {
        const service = serviceOf(call.request);
        if (service === 'stuck') {
          call.on('cancelled', () => cancelled.push(service));
          return;
        }
        if (service === 'garbled') return callback(null, Buffer.from([0x0b]));
        const status = statuses[service];
        if (status === undefined)
          return callback({ code: GrpcStatus.NOT_FOUND, details: 'unknown service' });
        callback(null, Buffer.from([0x08, status]));
      },
    });
  } else {
    server.addService(PING, {
      Ping: (_call: unknown, callback: sendUnaryData<Buffer>) => callback(null, Buffer.alloc(0)),
    });
  }
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', serverCredentials, (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return { server, address: `127.0.0.1:${port}`, cancelled };
}

describe('GrpcIndicator (an in-process grpc-js server, grpc.health.v1)', () => {
  let fixture: Awaited<ReturnType<typeof startServer>>;
  const made: GrpcIndicator[] = [];
  const make = (options: Partial<GrpcIndicatorOptions> = {}) => {
    const indicator = new GrpcIndicator({ address: fixture.address, ...options });
    made.push(indicator);
    return indicator;
  };
  const signal = () => new AbortController().signal;

  beforeAll(async () => {
    fixture = await startServer();
  });

  afterEach(() => made.splice(0).forEach((indicator) => indicator.onModuleDestroy()));

  afterAll(() => fixture.server.forceShutdown());

  it('is HEALTHY when the server as a whole is SERVING', async () => {
    const indicator = make();
    expect(await indicator.check(signal())).toEqual({
      status: HealthStatus.HEALTHY,
      message: `gRPC server ${fixture.address} is SERVING`,
      metadata: { serving_status: 'SERVING', latency_ms: expect.any(Number) },
    });
    expect(indicator.baseMetadata).toEqual({ address: fixture.address, service: '' });
    expect(indicator.name).toBe('grpc');
    // The channel is kept: a second check reuses it.
    expect((await indicator.check(signal())).status).toBe(HealthStatus.HEALTHY);
  });

  it('asks about one service: SERVING, NOT_SERVING, an unknown value', async () => {
    expect((await make({ service: 'orders' }).check(signal())).message).toBe(
      `gRPC service "orders" at ${fixture.address} is SERVING`,
    );
    expect(await make({ service: 'payments' }).check(signal())).toMatchObject({
      status: HealthStatus.UNHEALTHY,
      message: `gRPC service "payments" at ${fixture.address} is NOT_SERVING`,
      metadata: { serving_status: 'NOT_SERVING' },
    });
    expect((await make({ service: 'odd' }).check(signal())).message).toMatch(/is status 7$/);
  });

  it('an unknown service (NOT_FOUND) is UNHEALTHY at once, saying so', async () => {
    expect(await make({ service: 'billing' }).check(signal())).toMatchObject({
      status: HealthStatus.UNHEALTHY,
      message: `gRPC service "billing" at ${fixture.address}: the server does not know this service (NOT_FOUND)`,
      metadata: { grpc_code: GrpcStatus.NOT_FOUND },
    });
  });

  it('a server without the health service (UNIMPLEMENTED) is UNHEALTHY, saying so', async () => {
    const bare = await startServer(false);
    try {
      const indicator = new GrpcIndicator({ address: bare.address });
      made.push(indicator);
      expect((await indicator.check(signal())).message).toBe(
        `gRPC server ${bare.address}: the server does not implement grpc.health.v1.Health (UNIMPLEMENTED)`,
      );
    } finally {
      bare.server.forceShutdown();
    }
  });

  it('a garbled answer and a closed port are rethrown, for the engine to retry', async () => {
    await expect(make({ service: 'garbled' }).check(signal())).rejects.toThrow(
      new RegExp(`^gRPC service "garbled" at ${fixture.address}: .*(parse|malformed)`, 'i'),
    );
    const port = await freePort();
    const down = new GrpcIndicator({ name: 'down', address: `127.0.0.1:${port}` });
    made.push(down);
    const service = new HealthService({
      checks: [down],
      retries: 1,
    });
    try {
      expect(await service.checkComponent('down')).toMatchObject({
        status: HealthStatus.UNHEALTHY,
        message: expect.stringMatching(
          new RegExp(`^down check failed: gRPC server 127\\.0\\.0\\.1:${port}: 14 UNAVAILABLE`),
        ),
        metadata: { attempts: 2 },
      });
    } finally {
      service.onModuleDestroy();
    }
  });

  it('a hang is the engine timeout, and the call is cancelled on the server', async () => {
    const stuck = make({ service: 'stuck' });
    const service = new HealthService({ checks: [stuck], defaultTimeoutMs: 200 });
    try {
      expect(await service.checkComponent('grpc')).toMatchObject({
        status: HealthStatus.DEGRADED,
        message: 'grpc timed out after 200 ms',
        metadata: { address: fixture.address, service: 'stuck' },
      });
      await eventually(() => fixture.cancelled.length === 1, { timeoutMs: 3000, intervalMs: 10 });
    } finally {
      service.onModuleDestroy();
    }
    await expect(make({ service: 'stuck', deadlineMs: 100 }).check(signal())).rejects.toThrow(
      /: 4 DEADLINE_EXCEEDED/,
    );
    const aborted = new AbortController();
    aborted.abort(new Error('shutting down'));
    await expect(make().check(aborted.signal)).rejects.toThrow('shutting down');
  });

  it('is DEGRADED when the answer is slower than degradedLatencyMs', async () => {
    const indicator = make({ degradedLatencyMs: 1 });
    const pending = indicator.check(signal());
    const end = Date.now() + 20;
    while (Date.now() < end) {
      // hold the loop: the answer cannot be read before
    }
    expect((await pending).message).toMatch(/is SERVING, in [\d.]+ ms, above 1 ms$/);
  });

  it.each<[string, unknown, RegExp]>([
    ['no options', undefined, /GrpcIndicator options: undefined \(expected an object\)/],
    [
      'no address',
      {},
      /GrpcIndicator\.address: undefined \(expected a gRPC target like host:port\)/,
    ],
    ['an address with a space', { address: 'a b:1' }, /GrpcIndicator\.address: "a b:1"/],
    ['a service with a space', { address: 'h:1', service: 'a b' }, /GrpcIndicator\.service: "a b"/],
    [
      'a long service',
      { address: 'h:1', service: 'x'.repeat(300) },
      /GrpcIndicator\.service: .*at most 256/,
    ],
    [
      'credentials that are not',
      { address: 'h:1', credentials: { token: 'x' } },
      /GrpcIndicator\.credentials: an object/,
    ],
    ['a zero deadline', { address: 'h:1', deadlineMs: 0 }, /GrpcIndicator\.deadlineMs: 0/],
    ['a bad name', { address: 'h:1', name: 'gRPC' }, /GrpcIndicator\.name: "gRPC"/],
  ])('refuses %s at construction, naming the option', (_case, options, message) => {
    expect(() => new GrpcIndicator(options as GrpcIndicatorOptions)).toThrow(message);
  });

  it('speaks TLS with grpc-js credentials, and fails (retried) on a certificate it does not trust', async () => {
    const certs = new TestCertificates();
    const ca = certs.ca('grpc-ca');
    const cert = certs.server('grpc-server', ca);
    const tls = await startServer(
      true,
      ServerCredentials.createSsl(null, [
        { private_key: readFileSync(cert.key), cert_chain: readFileSync(cert.cert) },
      ]),
    );
    try {
      const address = tls.address.replace('127.0.0.1', 'localhost');
      const trusted = new GrpcIndicator({
        address,
        credentials: credentials.createSsl(readFileSync(ca.cert)),
      });
      const untrusted = new GrpcIndicator({ address, credentials: credentials.createSsl() });
      made.push(trusted, untrusted);
      expect((await trusted.check(signal())).message).toBe(`gRPC server ${address} is SERVING`);
      await expect(untrusted.check(signal())).rejects.toThrow(
        new RegExp(`^gRPC server ${address}: 14 UNAVAILABLE`),
      );
    } finally {
      tls.server.forceShutdown();
      certs.remove();
    }
  });
});
