import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HealthClock } from '../../core/clock';
import { HealthStatus } from '../../core/health-status';
import { HealthService } from '../../core/health.service';
import type { HealthModuleOptions } from '../../health.options';
import type { AiModelIndicatorOptions } from './ai-model.options';
import { AiModelIndicator } from './ai-model.indicator';
import { MAX_ERROR_BODY_BYTES } from './ai-model.probe';

const KEY = 'AIzaSy-loopback-secret-0123456789';
const MODEL = 'gemini-test';

interface SeenRequest {
  method?: string;
  url: string;
  key?: string | string[];
  /** Settles when the server-side response closes: answered, aborted or reset. */
  closed: Promise<void>;
}

/** A loopback server playing the Gemini API; it counts and records every request. */
class FakeGemini {
  readonly requests: SeenRequest[] = [];
  private readonly server: Server;

  constructor(
    private readonly answer: (req: IncomingMessage, res: ServerResponse) => void,
    private readonly expectedPath = `/v1beta/models/${MODEL}`,
  ) {
    this.server = createServer((req, res) => this.handle(req, res));
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  listen(): Promise<this> {
    return new Promise((resolve) => this.server.listen(0, '127.0.0.1', () => resolve(this)));
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '';
    const closed = new Promise<void>((resolve) => res.once('close', resolve));
    this.requests.push({ method: req.method, url, key: req.headers['x-goog-api-key'], closed });
    const wellFormed =
      req.method === 'GET' &&
      url === this.expectedPath &&
      req.headers['x-goog-api-key'] === KEY &&
      !decodeURIComponent(url).includes(KEY);
    // 418 maps to no status a test expects, so a malformed probe cannot pass.
    if (!wellFormed) return void res.writeHead(418).end();
    this.answer(req, res);
  }
}

/** Answers with this status; error bodies echo the key, as a careless provider or proxy might. */
function replyWith(status: number, body = `{"error":{"message":"API key ${KEY} is bad"}}`) {
  return (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(status < 300 ? `{"name":"models/${MODEL}"}` : body);
  };
}

/** What a streamed answer sent, as the server saw it. */
interface Streamed {
  bytes: number;
  /** The whole body went out: the client read it to the end. */
  ended: boolean;
}

/**
 * Answers `status` with `head`, then spaces up to `total` bytes (Infinity: forever), as fast as
 * the client reads; `sent` counts what went out. A client that stops reading early leaves it far
 * below the total (at most what the socket buffers hold).
 */
function streamed(status: number, head: string, total: number) {
  const sent: Streamed = { bytes: 0, ended: false };
  const padding = Buffer.alloc(64 * 1024, 0x20);
  const answer = (_req: IncomingMessage, res: ServerResponse) => {
    res.on('error', () => undefined);
    res.writeHead(status, { 'content-type': 'application/json' });
    let piece = Buffer.from(head);
    const pump = () => {
      while (!res.destroyed) {
        if (sent.bytes >= total) {
          sent.ended = true;
          res.end();
          return;
        }
        sent.bytes += piece.length;
        const more = res.write(piece);
        piece = padding;
        if (!more) return void res.once('drain', pump);
      }
    };
    pump();
  };
  return { answer, sent };
}

/** A clock the test moves by hand, for cache expiry without sleeping. */
function manualClock() {
  let now = 1_000;
  const clock: HealthClock = { monotonicMs: () => now, epochMs: () => now };
  return { clock, advance: (ms: number) => (now += ms) };
}

function expectNoKey(value: unknown): void {
  expect(JSON.stringify(value)).not.toContain(KEY);
}

describe('AiModelIndicator in probe mode', () => {
  const providers: FakeGemini[] = [];
  const services: HealthService[] = [];

  async function provider(
    answer: (req: IncomingMessage, res: ServerResponse) => void,
    expectedPath?: string,
  ): Promise<FakeGemini> {
    const fake = await new FakeGemini(answer, expectedPath).listen();
    providers.push(fake);
    return fake;
  }

  function engine(
    options: AiModelIndicatorOptions,
    engineOptions: HealthModuleOptions = {},
  ): HealthService {
    const indicator = new AiModelIndicator({
      apiKey: KEY,
      model: MODEL,
      mode: 'probe',
      ...options,
    });
    const service = new HealthService({
      checks: [indicator],
      retryBaseDelayMs: 10,
      ...engineOptions,
    });
    services.push(service);
    return service;
  }

  afterEach(async () => {
    services.splice(0).forEach((service) => service.onModuleDestroy());
    await Promise.all(providers.splice(0).map((fake) => fake.close()));
  });

  describe('maps each provider answer to a status', () => {
    it.each([
      [200, HealthStatus.HEALTHY, 'AI model reachable'],
      [204, HealthStatus.HEALTHY, 'AI model reachable'],
      [401, HealthStatus.UNHEALTHY, 'API key rejected (HTTP 401)'],
      [403, HealthStatus.UNHEALTHY, 'API key rejected (HTTP 403)'],
      [404, HealthStatus.UNHEALTHY, `AI model not found: ${MODEL} (HTTP 404)`],
      [429, HealthStatus.DEGRADED, 'AI provider rate limited (HTTP 429)'],
      [500, HealthStatus.UNHEALTHY, 'AI provider error (HTTP 500)'],
      [503, HealthStatus.UNHEALTHY, 'AI provider error (HTTP 503)'],
      [400, HealthStatus.UNHEALTHY, 'AI provider gave an unexpected answer (HTTP 400)'],
    ])('HTTP %i: %s, "%s"', async (httpStatus, status, message) => {
      const fake = await provider(replyWith(httpStatus));
      const result = await engine({ baseUrl: fake.baseUrl }).checkComponent('ai_model');
      expect(result).toEqual({
        name: 'ai_model',
        status,
        message,
        response_time_ms: expect.any(Number),
        metadata: {
          provider: 'gemini',
          model: MODEL,
          has_api_key: true,
          mode: 'probe',
          http_status: httpStatus,
        },
      });
      expect(fake.requests).toEqual([
        expect.objectContaining({ method: 'GET', url: `/v1beta/models/${MODEL}`, key: KEY }),
      ]);
      expectNoKey(result);
    });

    it("reads Gemini's invalid-key error (HTTP 400, API_KEY_INVALID) as a rejected key", async () => {
      const body = `{"error":{"code":400,"message":"API key not valid: ${KEY}","status":"INVALID_ARGUMENT","details":[{"reason":"API_KEY_INVALID"}]}}`;
      const fake = await provider(replyWith(400, body));
      const result = await engine({ baseUrl: fake.baseUrl }).checkComponent('ai_model');
      expect(result).toMatchObject({
        status: HealthStatus.UNHEALTHY,
        message: 'API key rejected (HTTP 400)',
        metadata: { http_status: 400 },
      });
      expectNoKey(result);
    });

    it('a 400 whose body breaks off is still an unexpected answer', async () => {
      const fake = await provider((_req, res) => {
        res.writeHead(400, { 'content-length': '1000' });
        res.write('{"error":', () => res.destroy());
      });
      await expect(
        engine({ baseUrl: fake.baseUrl }).checkComponent('ai_model'),
      ).resolves.toMatchObject({
        status: HealthStatus.UNHEALTHY,
        message: 'AI provider gave an unexpected answer (HTTP 400)',
      });
    });

    describe('reads an error body up to a bound, then stops (defect 4)', () => {
      const MB = 2 ** 20;
      const INVALID_KEY = `{"error":{"code":400,"message":"API key not valid: ${KEY}","details":[{"reason":"API_KEY_INVALID"}]},"padding":"`;

      it.each([
        [
          'a 50 MB 400',
          'not the error you expected',
          'AI provider gave an unexpected answer (HTTP 400)',
        ],
        ['a 50 MB invalid-key 400', INVALID_KEY, 'API key rejected (HTTP 400)'],
      ])('%s: a verdict within the timeout, and the rest never sent', async (_l, head, message) => {
        const huge = streamed(400, head, 50 * MB);
        const fake = await provider(huge.answer);
        const service = engine({ baseUrl: fake.baseUrl }, { defaultTimeoutMs: 2000 });
        const result = await service.checkComponent('ai_model');
        expect(result).toMatchObject({
          status: HealthStatus.UNHEALTHY,
          message,
          metadata: { http_status: 400 },
        });
        expect(result.response_time_ms).toBeLessThan(1000);
        await fake.requests[0].closed;
        expect(huge.sent.ended).toBe(false);
        // Far below the 50 MB: the bound, plus what the sockets buffered before the cancel.
        expect(huge.sent.bytes).toBeLessThan(10 * MB);
        expectNoKey(result);
      });

      it('an endless 400 is answered at once, not at the timeout', async () => {
        const endless = streamed(400, '{"error":', Infinity);
        const fake = await provider(endless.answer);
        const result = await engine(
          { baseUrl: fake.baseUrl },
          { defaultTimeoutMs: 2000 },
        ).checkComponent('ai_model');
        expect(result).toMatchObject({
          status: HealthStatus.UNHEALTHY,
          message: 'AI provider gave an unexpected answer (HTTP 400)',
        });
        await fake.requests[0].closed;
        expect(endless.sent.bytes).toBeLessThan(10 * MB);
      });

      it('finds the invalid-key reason in the first MAX_ERROR_BODY_BYTES only', async () => {
        const late = '"' + ' '.repeat(MAX_ERROR_BODY_BYTES) + '","reason":"API_KEY_INVALID"}';
        const fake = await provider(replyWith(400, `{"padding":${late}`));
        await expect(
          engine({ baseUrl: fake.baseUrl }).checkComponent('ai_model'),
        ).resolves.toMatchObject({ message: 'AI provider gave an unexpected answer (HTTP 400)' });
      });

      it('a 400 body still arriving when the signal aborts: rejects with the abort reason', async () => {
        const fake = await provider((_req, res) => {
          res.writeHead(400, { 'content-type': 'application/json' });
          res.write('{"error":{"details":[{"reason":"API_KEY_INVALID"');
        });
        const controller = new AbortController();
        const reason = new DOMException('ai_model timed out after 300 ms', 'TimeoutError');
        const indicator = new AiModelIndicator({
          apiKey: KEY,
          model: MODEL,
          mode: 'probe',
          baseUrl: fake.baseUrl,
        });
        const check = indicator.check(controller.signal);
        setTimeout(() => controller.abort(reason), 300);
        await expect(check).rejects.toBe(reason);
        await fake.requests[0].closed;
      });

      it('through the engine, the same is DEGRADED timed out', async () => {
        const fake = await provider((_req, res) => {
          res.writeHead(400, { 'content-type': 'application/json' });
          res.write('{"error":');
        });
        const service = engine({ baseUrl: fake.baseUrl }, { defaultTimeoutMs: 300, retries: 0 });
        await expect(service.checkComponent('ai_model')).resolves.toMatchObject({
          status: HealthStatus.DEGRADED,
          message: 'ai_model timed out after 300 ms',
        });
        await fake.requests[0].closed;
      });
    });

    it('keeps the verdict when the unread body has already failed', async () => {
      const broken = new ReadableStream({ start: (c) => c.error(new Error(`reset ${KEY}`)) });
      const fetch = jest.fn<Promise<Response>, Parameters<typeof globalThis.fetch>>();
      fetch.mockResolvedValue(new Response(broken, { status: 200 }));
      const indicator = new AiModelIndicator({ apiKey: KEY, mode: 'probe', fetch });
      await expect(indicator.check(new AbortController().signal)).resolves.toMatchObject({
        status: HealthStatus.HEALTHY,
        metadata: { http_status: 200 },
      });
    });

    it('does not follow a redirect, so the key header never reaches another host', async () => {
      const elsewhere = await provider(replyWith(200));
      const fake = await provider((_req, res) => {
        res.writeHead(302, { location: `${elsewhere.baseUrl}/v1beta/models/${MODEL}` }).end();
      });
      const result = await engine({ baseUrl: fake.baseUrl }).checkComponent('ai_model');
      expect(result).toMatchObject({
        status: HealthStatus.UNHEALTHY,
        message: 'AI provider gave an unexpected answer (HTTP 302)',
      });
      expect(elsewhere.requests).toHaveLength(0);
    });

    it('URL-encodes the model and keeps the path of baseUrl', async () => {
      const model = 'tunedModels/my model';
      const fake = await provider(replyWith(200), '/proxy/v1beta/models/tunedModels%2Fmy%20model');
      const service = engine({ baseUrl: `${fake.baseUrl}/proxy/`, model });
      await expect(service.checkComponent('ai_model')).resolves.toMatchObject({
        status: HealthStatus.HEALTHY,
        metadata: { model },
      });
    });

    it('does not wait for a body: a stream that never ends is still HEALTHY, and released', async () => {
      const fake = await provider((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"name":');
      });
      const service = engine({ baseUrl: fake.baseUrl }, { defaultTimeoutMs: 1000 });
      await expect(service.checkComponent('ai_model')).resolves.toMatchObject({
        status: HealthStatus.HEALTHY,
      });
      await fake.requests[0].closed;
    });
  });

  describe('when no answer comes', () => {
    it('a slow provider: DEGRADED timed out, and the request is aborted', async () => {
      const fake = await provider(() => undefined);
      const service = engine({ baseUrl: fake.baseUrl }, { defaultTimeoutMs: 200 });
      const result = await service.checkComponent('ai_model');
      expect(result).toMatchObject({
        status: HealthStatus.DEGRADED,
        message: 'ai_model timed out after 200 ms',
        // The dashboards' keys survive a timeout: they are the indicator's baseMetadata.
        metadata: { provider: 'gemini', has_api_key: true, mode: 'probe' },
      });
      await fake.requests[0].closed;
      expect(fake.requests).toHaveLength(1);
    });

    it('a connection reset: UNHEALTHY with a clear message, retried once by the engine', async () => {
      const fake = await provider((req) => req.socket.destroy());
      const result = await engine({ baseUrl: fake.baseUrl }).checkComponent('ai_model');
      expect(result).toMatchObject({
        status: HealthStatus.UNHEALTHY,
        message:
          'ai_model check failed: AI provider unreachable: connection closed (UND_ERR_SOCKET)',
        metadata: { attempts: 2 },
      });
      expect(fake.requests).toHaveLength(2);
    });

    it('a closed port: UNHEALTHY, connection refused', async () => {
      const fake = await provider(replyWith(200));
      const { baseUrl } = fake;
      await fake.close();
      const result = await engine({ baseUrl }, { retries: 0 }).checkComponent('ai_model');
      expect(result).toMatchObject({
        status: HealthStatus.UNHEALTHY,
        message:
          'ai_model check failed: AI provider unreachable: connection refused (ECONNREFUSED)',
      });
    });

    it('rejects with the abort reason when the signal is already aborted', async () => {
      const fake = await provider(replyWith(200));
      const controller = new AbortController();
      const reason = new DOMException('ai_model timed out after 1 ms', 'TimeoutError');
      controller.abort(reason);
      const indicator = new AiModelIndicator({ apiKey: KEY, mode: 'probe', baseUrl: fake.baseUrl });
      await expect(indicator.check(controller.signal)).rejects.toBe(reason);
      expect(fake.requests).toHaveLength(0);
    });

    it.each([
      ['an error code it has no words for', { cause: { code: 'EHOSTUNREACH' } }, /: EHOSTUNREACH$/],
      ['an error without a code', new TypeError(`bad header ${KEY}`), /request failed$/],
      ['a code that is not a code', { code: `x ${KEY}` }, /request failed$/],
    ])('names %s without quoting fetch', async (_label, error, message) => {
      const fetch = jest.fn<Promise<Response>, Parameters<typeof globalThis.fetch>>();
      fetch.mockRejectedValue(error);
      const indicator = new AiModelIndicator({ apiKey: KEY, mode: 'probe', fetch });
      const failure = indicator.check(new AbortController().signal);
      await expect(failure).rejects.toThrow(message);
      await failure.catch((thrown: Error) => expect(thrown.message).not.toContain(KEY));
      expect(String(fetch.mock.calls[0][0])).not.toContain(KEY);
    });
  });

  describe('caching', () => {
    it('a flood of checks within the TTL makes one provider request; after it, one more', async () => {
      const fake = await provider(replyWith(200));
      const time = manualClock();
      const service = engine({ baseUrl: fake.baseUrl, probeTtlMs: 1000 }, { clock: time.clock });
      const [reports] = await Promise.all([
        Promise.all(Array.from({ length: 20 }, () => service.check())),
        Promise.all(Array.from({ length: 5 }, () => service.checkComponent('ai_model'))),
      ]);
      time.advance(999);
      for (let i = 0; i < 5; i++) await service.check();
      expect(reports.map((r) => r.components[0].status)).toEqual(
        Array(20).fill(HealthStatus.HEALTHY),
      );
      expect(fake.requests).toHaveLength(1);

      time.advance(1);
      await expect(service.checkComponent('ai_model')).resolves.toMatchObject({
        status: HealthStatus.HEALTHY,
      });
      expect(fake.requests).toHaveLength(2);
    });

    it('also caches a failure, so an outage is not hammered', async () => {
      const fake = await provider(replyWith(503));
      const service = engine({ baseUrl: fake.baseUrl, probeTtlMs: 60_000 });
      for (let i = 0; i < 5; i++) {
        await expect(service.checkComponent('ai_model')).resolves.toMatchObject({
          message: 'AI provider error (HTTP 503)',
        });
      }
      expect(fake.requests).toHaveLength(1);
    });

    it('probeTtlMs 0 probes on every check', async () => {
      const fake = await provider(replyWith(200));
      const service = engine({ baseUrl: fake.baseUrl, probeTtlMs: 0 });
      await service.check();
      await service.check();
      expect(fake.requests).toHaveLength(2);
    });

    it('config mode never calls the provider, however often it is checked', async () => {
      const fake = await provider(replyWith(200));
      const service = engine({ baseUrl: fake.baseUrl, mode: 'config' });
      for (let i = 0; i < 5; i++) {
        await expect(service.checkComponent('ai_model')).resolves.toMatchObject({
          status: HealthStatus.HEALTHY,
          message: 'AI model configured',
        });
      }
      expect(fake.requests).toHaveLength(0);
    });
  });
});
