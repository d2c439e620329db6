import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { HealthService } from '../../core/health.service';
import { HealthStatus } from '../../core/health-status';
import { eventually } from '../../../../../test/support/eventually';
import { freePort } from '../../../../../test/support/redis-server';
import { TestCertificates } from '../../../../../test/support/tls';
import type { HttpIndicatorOptions } from './http.options';
import { HttpIndicator } from './http.indicator';

const POLL = { timeoutMs: 3000, intervalMs: 10 };
const CHUNK = Buffer.alloc(64 * 1024, 'x');

/** A server of the test's own: every route plays one behaviour; it counts open sockets. */
class TestServer {
  readonly sockets = new Set<Socket>();
  hugeBytesSent = 0;
  lastHeaders: IncomingMessage['headers'] = {};
  private constructor(
    readonly server: Server,
    readonly base: string,
  ) {}

  static async start(
    handle: (req: IncomingMessage, res: ServerResponse, self: TestServer) => void,
    tls?: { cert: Buffer; key: Buffer },
  ): Promise<TestServer> {
    const server = tls ? createTlsServer(tls) : createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const self = new TestServer(server, `${tls ? 'https' : 'http'}://127.0.0.1:${port}`);
    server.on(tls ? 'secureConnection' : 'connection', (socket: Socket) => {
      self.sockets.add(socket);
      socket.on('close', () => self.sockets.delete(socket));
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      self.lastHeaders = req.headers;
      handle(req, res, self);
    });
    return self;
  }

  async stop(): Promise<void> {
    this.sockets.forEach((socket) => socket.destroy());
    this.server.close();
    await once(this.server, 'close');
  }
}

function routes(req: IncomingMessage, res: ServerResponse, self: TestServer): void {
  const path = new URL(req.url!, 'http://x').pathname;
  const redirect = (to: string) => res.writeHead(302, { location: to }).end('moved');
  const chain = /^\/chain\/(\d+)$/.exec(path);
  if (path === '/ok') res.end('{"status":"ok"} all good');
  else if (path === '/fail') res.writeHead(503).end('down');
  else if (path === '/slow') setTimeout(() => res.end('late'), 80);
  else if (path === '/hang') return;
  else if (path === '/reset') req.socket.destroy();
  else if (path === '/loop-a') redirect('/loop-b');
  else if (path === '/loop-b') redirect('/loop-a');
  else if (chain) redirect(`/chain/${Number(chain[1]) + 1}`);
  else if (path === '/to-ok') redirect('/ok?token=s3cr3t-token');
  else if (path === '/to-mail') redirect('mailto:ops@example.com');
  else if (path === '/huge') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    const pump = () => {
      while (!res.destroyed && res.write(CHUNK)) self.hugeBytesSent += CHUNK.length;
    };
    res.on('drain', pump);
    pump();
  } else res.writeHead(404).end();
}

describe('HttpIndicator (real HTTP and HTTPS servers on loopback)', () => {
  let http: TestServer;
  let other: TestServer;
  let https: TestServer;
  let certs: TestCertificates;
  let caPem: Buffer;
  const signal = () => new AbortController().signal;
  const make = (path: string, options: Partial<HttpIndicatorOptions> = {}) =>
    new HttpIndicator({ url: `${http.base}${path}`, ...options });

  beforeAll(async () => {
    certs = new TestCertificates();
    const ca = certs.ca('http-ca');
    const server = certs.server('http-server', ca);
    caPem = readFileSync(ca.cert);
    http = await TestServer.start(routes);
    other = await TestServer.start((_req, res) => res.end('other origin'));
    https = await TestServer.start(routes, {
      cert: readFileSync(server.cert),
      key: readFileSync(server.key),
    });
  });

  afterAll(async () => {
    await Promise.all([http.stop(), other.stop(), https.stop()]);
    certs.remove();
  });

  it('is HEALTHY on a 2xx, with the status, latency and URL, and closes its connection', async () => {
    const indicator = make('/ok');
    const result = await indicator.check(signal());
    expect(result).toEqual({
      status: HealthStatus.HEALTHY,
      message: `GET ${http.base}/ok answered 200`,
      metadata: { status_code: 200, latency_ms: expect.any(Number), redirects: 0 },
    });
    expect(indicator.baseMetadata).toEqual({ url: `${http.base}/ok`, method: 'GET' });
    expect(indicator.name).toBe('http');
    await eventually(() => http.sockets.size === 0, POLL);
  });

  it('is UNHEALTHY on a 5xx, naming the status and what was expected', async () => {
    expect(await make('/fail').check(signal())).toMatchObject({
      status: HealthStatus.UNHEALTHY,
      message: `GET ${http.base}/fail answered 503, expected 2xx`,
      metadata: { status_code: 503 },
    });
    expect(
      (await make('/fail', { expectedStatus: [200, '5xx'], method: 'HEAD' }).check(signal()))
        .status,
    ).toBe(HealthStatus.HEALTHY);
    expect((await make('/nowhere', { expectedStatus: [200, 204] }).check(signal())).message).toBe(
      `GET ${http.base}/nowhere answered 404, expected 200, 204`,
    );
  });

  it('checks the body: a text it must contain, or a predicate', async () => {
    const contains = await make('/ok', { expectBody: '"status":"ok"' }).check(signal());
    expect(contains).toMatchObject({
      status: HealthStatus.HEALTHY,
      metadata: { body_bytes_read: 24 },
    });
    expect(await make('/ok', { expectBody: 'maintenance' }).check(signal())).toMatchObject({
      status: HealthStatus.UNHEALTHY,
      message: `GET ${http.base}/ok answered 200, but its body does not contain the expected text`,
    });
    const predicate = (body: string) => JSON.parse(body.split(' ')[0]).status === 'ok';
    expect((await make('/ok', { expectBody: predicate }).check(signal())).status).toBe(
      HealthStatus.HEALTHY,
    );
    expect((await make('/ok', { expectBody: async () => false }).check(signal())).message).toMatch(
      /answered 200, but its body fails the body check$/,
    );
    const throwing = make('/ok', {
      expectBody: () => {
        throw new Error('not JSON');
      },
    });
    expect((await throwing.check(signal())).message).toMatch(/fails the body check: not JSON$/);
  });

  it('reads at most maxBodyBytes of a huge body, then closes the connection', async () => {
    const indicator = make('/huge', { expectBody: 'xxxx', maxBodyBytes: 100_000 });
    const result = await indicator.check(signal());
    expect(result).toMatchObject({
      status: HealthStatus.HEALTHY,
      metadata: { body_bytes_read: 100_000 },
    });
    await eventually(() => http.sockets.size === 0, POLL);
    // The server stops on its side once the socket closes: far from the whole (endless) body.
    expect(http.hugeBytesSent).toBeLessThan(64 * 1024 * 1024);
    const unread = await make('/huge').check(signal());
    expect(unread).toMatchObject({ status: HealthStatus.HEALTHY });
    expect(unread.metadata).not.toHaveProperty('body_bytes_read');
    await eventually(() => http.sockets.size === 0, POLL);
  });

  it('follows redirects, showing the final URL without its query string', async () => {
    expect(await make('/to-ok').check(signal())).toMatchObject({
      status: HealthStatus.HEALTHY,
      message: `GET ${http.base}/to-ok answered 200`,
      metadata: { redirects: 1, final_url: `${http.base}/ok?***` },
    });
    expect(await make('/to-ok', { maxRedirects: 0 }).check(signal())).toMatchObject({
      status: HealthStatus.UNHEALTHY,
      message: `GET ${http.base}/to-ok answered 302, expected 2xx`,
    });
  });

  it('ends a redirect loop as UNHEALTHY, naming it', async () => {
    expect(await make('/loop-a').check(signal())).toMatchObject({
      status: HealthStatus.UNHEALTHY,
      message: `GET ${http.base}/loop-a: redirect loop, ${http.base}/loop-b leads back to ${http.base}/loop-a`,
      metadata: { status_code: 302, redirects: 1 },
    });
    expect(await make('/chain/0', { maxRedirects: 3 }).check(signal())).toMatchObject({
      status: HealthStatus.UNHEALTHY,
      message: `GET ${http.base}/chain/0: more than 3 redirects`,
      metadata: { redirects: 3, final_url: `${http.base}/chain/3` },
    });
    expect((await make('/to-mail').check(signal())).message).toBe(
      `GET ${http.base}/to-mail: ${http.base}/to-mail redirects to a Location that is not an http(s) URL`,
    );
  });

  it("sends its headers to the URL's origin only, never across a redirect to another", async () => {
    const crossing = await TestServer.start((_req, res) =>
      res.writeHead(307, { location: `${other.base}/` }).end(),
    );
    try {
      const headers = { authorization: 'Bearer s3cr3t-token' };
      const indicator = new HttpIndicator({ url: `${crossing.base}/`, headers });
      expect((await indicator.check(signal())).status).toBe(HealthStatus.HEALTHY);
      expect(crossing.lastHeaders.authorization).toBe('Bearer s3cr3t-token');
      expect(other.lastHeaders.authorization).toBeUndefined();
    } finally {
      await crossing.stop();
    }
  });

  it('is DEGRADED when the answer is slower than degradedLatencyMs', async () => {
    const result = await make('/slow', { degradedLatencyMs: 20 }).check(signal());
    expect(result.status).toBe(HealthStatus.DEGRADED);
    expect(result.message).toMatch(
      /^GET http:\/\/127\.0\.0\.1:\d+\/slow answered 200 in [\d.]+ ms, above 20 ms$/,
    );
    expect(result.metadata?.latency_ms).toBeGreaterThanOrEqual(60);
  });

  it('rejects with a short message when the connection is refused or reset', async () => {
    const port = await freePort();
    await expect(
      new HttpIndicator({ url: `http://127.0.0.1:${port}/health` }).check(signal()),
    ).rejects.toThrow(
      `GET http://127.0.0.1:${port}/health: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
    await expect(make('/reset').check(signal())).rejects.toThrow(
      `GET ${http.base}/reset: socket hang up`,
    );
  });

  it('a server that hangs: the engine times out and the request is destroyed; the backstop ends it without the engine', async () => {
    const service = new HealthService({ checks: [make('/hang')], defaultTimeoutMs: 150 });
    try {
      expect(await service.checkComponent('http')).toMatchObject({
        status: HealthStatus.DEGRADED,
        message: 'http timed out after 150 ms',
        metadata: { url: `${http.base}/hang`, method: 'GET' },
      });
      await eventually(() => http.sockets.size === 0, POLL);
    } finally {
      service.onModuleDestroy();
    }
    await expect(make('/hang', { requestTimeoutMs: 100 }).check(signal())).rejects.toThrow(
      `GET ${http.base}/hang: no answer within 100 ms`,
    );
    await eventually(() => http.sockets.size === 0, POLL);
    const aborted = new AbortController();
    aborted.abort(new Error('shutting down'));
    await expect(make('/ok').check(aborted.signal)).rejects.toThrow('shutting down');
  });

  it('through the engine, a reset is UNHEALTHY after a retry', async () => {
    const service = new HealthService({ checks: [make('/reset')], retries: 1 });
    try {
      expect(await service.checkComponent('http')).toMatchObject({
        status: HealthStatus.UNHEALTHY,
        message: `http check failed: GET ${http.base}/reset: socket hang up`,
        metadata: { attempts: 2 },
      });
    } finally {
      service.onModuleDestroy();
    }
  });

  describe('https', () => {
    it('verifies the server against the given CA', async () => {
      const indicator = new HttpIndicator({ url: `${https.base}/ok`, ca: caPem });
      expect((await indicator.check(signal())).status).toBe(HealthStatus.HEALTHY);
      const named = new HttpIndicator({
        url: https.base.replace('127.0.0.1', 'localhost') + '/ok',
        ca: [caPem.toString()],
      });
      expect((await named.check(signal())).status).toBe(HealthStatus.HEALTHY);
    });

    it('refuses a certificate no trusted CA signed', async () => {
      await expect(new HttpIndicator({ url: `${https.base}/ok` }).check(signal())).rejects.toThrow(
        new RegExp(`^GET ${https.base}/ok: (unable to verify|self.signed|unable to get)`),
      );
    });

    it('accepts any certificate with rejectUnauthorized: false, and says so', async () => {
      const indicator = new HttpIndicator({ url: `${https.base}/fail`, rejectUnauthorized: false });
      expect(indicator.baseMetadata).toMatchObject({ tls_verify: false });
      expect((await indicator.check(signal())).message).toBe(
        `GET ${https.base}/fail answered 503, expected 2xx`,
      );
    });

    it('ends a redirect loop and a hang over TLS too', async () => {
      const loop = new HttpIndicator({ url: `${https.base}/loop-a`, ca: caPem });
      expect((await loop.check(signal())).message).toMatch(/redirect loop/);
      const hang = new HttpIndicator({
        url: `${https.base}/hang`,
        ca: caPem,
        requestTimeoutMs: 100,
      });
      await expect(hang.check(signal())).rejects.toThrow(/no answer within 100 ms/);
      await eventually(() => https.sockets.size === 0, POLL);
    });
  });

  it('never shows a password, a user or a query string of its URL', async () => {
    const port = await freePort();
    const indicator = new HttpIndicator({
      url: `http://admin:hunter2-pw@127.0.0.1:${port}/health?token=s3cr3t-token#frag`,
    });
    expect(indicator.baseMetadata.url).toBe(`http://admin:***@127.0.0.1:${port}/health?***`);
    const error = await indicator.check(signal()).catch((e: Error) => e.message);
    expect(error).toBe(
      `GET http://admin:***@127.0.0.1:${port}/health?***: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
    const userOnly = new HttpIndicator({ url: 'https://ghp_tokenvalue@example.com/' });
    expect(userOnly.baseMetadata.url).toBe('https://***@example.com/');
  });

  it.each<[string, unknown, RegExp]>([
    ['no options', undefined, /HttpIndicator options: undefined \(expected an object\)/],
    ['no URL', {}, /HttpIndicator\.url: undefined \(expected an http:\/\/ or https:\/\/ URL\)/],
    [
      'a URL of another scheme, without showing it',
      { url: 'ftp://user:pw@host/' },
      /HttpIndicator\.url: a string of 19 characters \(expected/,
    ],
    [
      'a method',
      { url: 'http://h/', method: 'POST' },
      /HttpIndicator\.method: "POST" \(expected GET or HEAD\)/,
    ],
    [
      'a body check with HEAD',
      { url: 'http://h/', method: 'HEAD', expectBody: 'x' },
      /HttpIndicator\.expectBody: .*unset with method HEAD/,
    ],
    [
      'an empty expected text',
      { url: 'http://h/', expectBody: '' },
      /HttpIndicator\.expectBody: ""/,
    ],
    [
      'a status out of range',
      { url: 'http://h/', expectedStatus: [200, 700] },
      /HttpIndicator\.expectedStatus/,
    ],
    [
      'an empty status list',
      { url: 'http://h/', expectedStatus: [] },
      /HttpIndicator\.expectedStatus/,
    ],
    [
      'a status class',
      { url: 'http://h/', expectedStatus: ['2XX'] },
      /HttpIndicator\.expectedStatus/,
    ],
    [
      'too many body bytes',
      { url: 'http://h/', maxBodyBytes: 2_000_000 },
      /HttpIndicator\.maxBodyBytes: 2000000 \(expected at most 1048576\)/,
    ],
    ['zero body bytes', { url: 'http://h/', maxBodyBytes: 0 }, /HttpIndicator\.maxBodyBytes: 0/],
    [
      'too many redirects',
      { url: 'http://h/', maxRedirects: 21 },
      /HttpIndicator\.maxRedirects: 21 \(expected at most 20\)/,
    ],
    [
      'a header name',
      { url: 'http://h/', headers: { 'bad name': 'x' } },
      /HttpIndicator\.headers: "bad name" \(expected header names\)/,
    ],
    [
      'a header value with a newline, without showing it',
      { url: 'http://h/', headers: { authorization: 'Bearer abc\r\nX: y' } },
      /HttpIndicator\.headers\.authorization: a string of 16 characters/,
    ],
    ['headers that are a list', { url: 'http://h/', headers: ['x'] }, /HttpIndicator\.headers/],
    [
      'a CA that is a number',
      { url: 'https://h/', ca: 42 },
      /HttpIndicator\.ca: a number \(expected PEM text/,
    ],
    [
      'rejectUnauthorized "no"',
      { url: 'https://h/', rejectUnauthorized: 'no' },
      /HttpIndicator\.rejectUnauthorized: "no"/,
    ],
    [
      'a zero request timeout',
      { url: 'http://h/', requestTimeoutMs: 0 },
      /HttpIndicator\.requestTimeoutMs: 0/,
    ],
    ['a bad name', { url: 'http://h/', name: 'Web' }, /HttpIndicator\.name: "Web"/],
  ])('refuses %s at construction, naming the option', (_case, options, message) => {
    expect(() => new HttpIndicator(options as HttpIndicatorOptions)).toThrow(message);
  });
});
