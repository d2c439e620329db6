// The examples of docs/indicators/{README,http,tcp,dns,disk,grpc}.md, run as written against real
// servers on loopback: every ```ts block of those pages is an excerpt of this file (the last test
// checks it). They import the package's public entries only; the servers come first.
import type { sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import { Server as GrpcServer, ServerCredentials } from '@grpc/grpc-js';
import type { HealthCheckDefinition } from '@nest-health/core';
import {
  DiskIndicator,
  DnsIndicator,
  HealthModule,
  HealthService,
  HealthStatus,
  HttpIndicator,
  RegisterHealthIndicator,
  RuntimeIndicator,
  TcpIndicator,
} from '@nest-health/core';
import { GrpcIndicator } from '@nest-health/core/grpc';
import type { INestApplication, Type } from '@nestjs/common';
import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Server } from 'node:net';
import { createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { isExcerpt, tsBlocks } from './support/excerpt';
import { TestCertificates } from './support/tls';

// ---------------------------------------------------------------- the servers the examples check

const servers: Server[] = [];
const certificates = new TestCertificates();
let grpc: GrpcServer;

async function listen(server: Server): Promise<number> {
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** A grpc.health.v1 server: the whole server and `orders.v1.Orders` are SERVING. */
async function startGrpc(): Promise<string> {
  const identity = (bytes: Buffer) => bytes;
  grpc = new GrpcServer();
  const check = {
    path: '/grpc.health.v1.Health/Check',
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  };
  grpc.addService(
    { Check: check },
    {
      Check: (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => {
        const service = call.request.subarray(2).toString();
        if (service === '' || service === 'orders.v1.Orders') callback(null, Buffer.from([8, 1]));
        else callback({ code: 5, details: 'unknown service' });
      },
    },
  );
  const port = await new Promise<number>((resolve, reject) =>
    grpc.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return `127.0.0.1:${port}`;
}

beforeAll(async () => {
  const ca = certificates.ca('examples-ca');
  const cert = certificates.server('billing', ca);
  const answer = (_req: unknown, res: import('node:http').ServerResponse) =>
    res.setHeader('content-type', 'application/json').end('{"status":"ok"}');
  const payments = await listen(createHttpServer(answer));
  const billing = await listen(
    createHttpsServer({ cert: readFileSync(cert.cert), key: readFileSync(cert.key) }, answer),
  );
  const smtp = await listen(createTcpServer((socket) => socket.end()));
  Object.assign(process.env, {
    PAYMENTS_URL: `http://127.0.0.1:${payments}`,
    BILLING_URL: `https://localhost:${billing}`,
    INTERNAL_CA_FILE: ca.cert,
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(smtp),
    DB_HOST: 'localhost',
    DATA_DIR: tmpdir(),
    ORDERS_GRPC_ADDRESS: await startGrpc(),
  });
});

afterAll(async () => {
  for (const server of servers) server.close();
  grpc.forceShutdown();
  certificates.remove();
});

/** Starts `module`, evaluates once, closes, and returns the report. */
async function evaluate(module: Type) {
  const moduleRef = await Test.createTestingModule({ imports: [module] }).compile();
  const app: INestApplication = await moduleRef.createNestApplication().init();
  try {
    return await app.get(HealthService).check();
  } finally {
    await app.close();
  }
}

// ---------------------------------------------------------------- docs/indicators/README.md

function everyIndicator(): Type {
  const checks: HealthCheckDefinition[] = [
    new HttpIndicator({ name: 'payments', url: `${process.env.PAYMENTS_URL}/health` }),
    new TcpIndicator({
      name: 'smtp',
      host: process.env.SMTP_HOST!,
      port: Number(process.env.SMTP_PORT),
    }),
    new DnsIndicator({ hostname: process.env.DB_HOST! }),
    new DiskIndicator({ path: process.env.DATA_DIR }),
    new RuntimeIndicator({ rssUnhealthyBytes: 1.5 * 1024 ** 3 }),
  ];

  @Module({ imports: [HealthModule.forRoot({ checks })] })
  class AppModule {}
  return AppModule;
}

// ---------------------------------------------------------------- docs/indicators/http.md

function httpExample(): Type {
  const payments = new HttpIndicator({
    name: 'payments',
    url: `${process.env.PAYMENTS_URL}/health`,
    expectBody: '"status":"ok"',
    degradedLatencyMs: 500,
  });

  const billing = new HttpIndicator({
    name: 'billing',
    url: `${process.env.BILLING_URL}/health`,
    ca: readFileSync(process.env.INTERNAL_CA_FILE!),
    expectedStatus: ['2xx', 401],
    maxRedirects: 0,
  });

  @Module({
    imports: [
      HealthModule.forRoot({
        checks: [payments, billing],
        components: {
          payments: { timeoutMs: 2000, tags: ['ready'] },
          billing: { timeoutMs: 2000, critical: false },
        },
      }),
    ],
  })
  class AppModule {}
  return AppModule;
}

function httpProviderExample(): Type {
  @RegisterHealthIndicator({ timeoutMs: 2000, tags: ['ready'] })
  @Injectable()
  class PaymentsApiIndicator extends HttpIndicator {
    constructor() {
      super({
        name: 'payments',
        url: `${process.env.PAYMENTS_URL}/health`,
        expectBody: (body) => JSON.parse(body).status === 'ok',
      });
    }
  }

  @Module({ imports: [HealthModule.forRoot()], providers: [PaymentsApiIndicator] })
  class AppModule {}
  return AppModule;
}

// ---------------------------------------------------------------- docs/indicators/tcp.md and dns.md

function tcpDnsExample(): Type {
  const smtp = new TcpIndicator({
    name: 'smtp',
    host: process.env.SMTP_HOST!,
    port: Number(process.env.SMTP_PORT),
    connectTimeoutMs: 3000,
  });

  const dns = new DnsIndicator({ hostname: process.env.DB_HOST!, degradedLatencyMs: 200 });

  @Module({
    imports: [
      HealthModule.forRoot({
        checks: [smtp, dns],
        components: { smtp: { timeoutMs: 1000, retries: 2 }, dns: { critical: false } },
      }),
    ],
  })
  class AppModule {}
  return AppModule;
}

// ---------------------------------------------------------------- docs/indicators/disk.md

function diskExample(): Type {
  const disk = new DiskIndicator({
    path: process.env.DATA_DIR,
    freeDegradedRatio: 0.1,
    freeUnhealthyRatio: 0.05,
    freeUnhealthyBytes: 512 * 1024 ** 2,
  });

  const components = { disk: { cacheTtlMs: 30_000 } };

  @Module({ imports: [HealthModule.forRoot({ checks: [disk], components })] })
  class AppModule {}
  return AppModule;
}

// ---------------------------------------------------------------- docs/indicators/grpc.md

function grpcExample(): Type {
  @RegisterHealthIndicator({ timeoutMs: 1000, tags: ['ready'] })
  @Injectable()
  class OrdersGrpcIndicator extends GrpcIndicator {
    constructor() {
      super({
        name: 'orders_grpc',
        address: process.env.ORDERS_GRPC_ADDRESS!,
        service: 'orders.v1.Orders',
      });
    }
  }

  @Module({ imports: [HealthModule.forRoot()], providers: [OrdersGrpcIndicator] })
  class AppModule {}
  return AppModule;
}

// ---------------------------------------------------------------- the examples, run

describe('the indicator pages, their examples run', () => {
  const byName = (report: Awaited<ReturnType<typeof evaluate>>) =>
    Object.fromEntries(report.components.map((c) => [c.name, c]));

  it('README: every indicator without peer in one module', async () => {
    const report = byName(await evaluate(everyIndicator()));
    expect(Object.keys(report).sort()).toEqual(['disk', 'dns', 'payments', 'runtime', 'smtp']);
    expect(report.payments.status).toBe(HealthStatus.HEALTHY);
    expect(report.smtp.status).toBe(HealthStatus.HEALTHY);
    expect(report.runtime.metadata).toMatchObject({ rss_unhealthy_bytes: 1.5 * 1024 ** 3 });
    expect(report.dns.status).toBe(HealthStatus.HEALTHY);
    expect(report.disk.metadata).toMatchObject({ path: tmpdir(), free_bytes: expect.any(Number) });
  });

  it('http: a body check and TLS with a CA of its own', async () => {
    const report = byName(await evaluate(httpExample()));
    expect(report.payments).toMatchObject({
      status: HealthStatus.HEALTHY,
      message: `GET ${process.env.PAYMENTS_URL}/health answered 200`,
      metadata: { status_code: 200, body_bytes_read: 15 },
    });
    expect(report.billing).toMatchObject({ status: HealthStatus.HEALTHY });
  });

  it('http: an indicator as a provider, with a body predicate', async () => {
    const report = byName(await evaluate(httpProviderExample()));
    expect(report.payments.status).toBe(HealthStatus.HEALTHY);
  });

  it('tcp and dns', async () => {
    const report = byName(await evaluate(tcpDnsExample()));
    expect(report.smtp.message).toBe(`127.0.0.1:${process.env.SMTP_PORT} accepts connections`);
    expect(report.dns.metadata).toMatchObject({ hostname: 'localhost' });
  });

  it('disk', async () => {
    const { disk } = byName(await evaluate(diskExample()));
    expect(disk.metadata).toMatchObject({ path: tmpdir(), free_unhealthy_bytes: 512 * 1024 ** 2 });
  });

  it('grpc, closed by Nest with the app', async () => {
    const report = byName(await evaluate(grpcExample()));
    expect(report.orders_grpc).toMatchObject({
      status: HealthStatus.HEALTHY,
      message: `gRPC service "orders.v1.Orders" at ${process.env.ORDERS_GRPC_ADDRESS} is SERVING`,
    });
  });
});

// ---------------------------------------------------------------- the pages and this file

const PAGES = ['README', 'http', 'tcp', 'dns', 'disk', 'grpc'];
const EXAMPLE = 'test/indicator-examples.e2e-spec.ts';

describe.each(PAGES)('docs/indicators/%s.md', (page) => {
  it('shows only excerpts of this file, each marked so', () => {
    const blocks = tsBlocks(`docs/indicators/${page}.md`);
    const source = readFileSync(__filename, 'utf8');
    expect(blocks.length).toBeGreaterThanOrEqual(1);
    for (const { path, code } of blocks) {
      expect([path, isExcerpt(code, source)]).toEqual([EXAMPLE, true]);
    }
  });
});
