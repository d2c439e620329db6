import { HealthService } from '@nest-health/core';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { CircuitBreakerRegistry } from '@nest-health/core/resilience';
import { configureApp } from '../apps/api/src/app.factory';
import { CacheService } from '../apps/api/src/cache/cache.service';
import { MAX_ANSWER_BYTES } from '../apps/api/src/ai/gemini.client';
import { CapturingLogger, createApiApp } from './support/api-app';
import { FakeGemini, answer, status, streaming } from './support/fake-gemini';

const KEY = 'AIza-test-key-123';

describe('POST /v1/text_processing/process (domain service using HealthService)', () => {
  let provider: FakeGemini;
  let app: INestApplication;

  beforeEach(async () => {
    provider = await FakeGemini.start();
  });

  afterEach(async () => {
    await app?.close();
    await provider.stop();
    // Not among the variables createApiApp clears: no test leaves it to the next.
    delete process.env.ADDITIONAL_API_KEYS;
  });

  /**
   * Boots with details shown to everyone and one provider call per request (no retry), unless
   * the test says otherwise.
   */
  const boot = async (env: Record<string, string> = {}, logger?: CapturingLogger) => {
    app = await createApiApp(
      {
        GEMINI_BASE_URL: provider.baseUrl,
        GEMINI_API_KEY: KEY,
        HEALTH_DETAILS: 'always',
        RESILIENCE_CUSTOM_CONFIG: '{"retry_attempts": 1}',
        ...env,
      },
      logger,
    );
    await app.get(HealthService).check();
  };
  const post = (body: unknown) =>
    request(app.getHttpServer())
      .post('/v1/text_processing/process')
      .send(body as object);

  it('processes text through the provider, the key in a header and never in the URL', async () => {
    await boot({ AI_MODEL: 'gemini-test' });
    provider.reply = answer('A short summary.');
    const res = await post({
      text: 'Long text about health checks.',
      operation: 'summarize',
    }).expect(200);
    expect(res.body).toEqual({
      operation: 'summarize',
      success: true,
      result: 'A short summary.',
      model: 'gemini-test',
      processing_time_ms: expect.any(Number),
      cache_hit: false,
    });
    expect(provider.requests).toHaveLength(1);
    const [seen] = provider.requests;
    expect(seen.method).toBe('POST');
    expect(seen.url).toBe('/v1beta/models/gemini-test:generateContent');
    expect(seen.apiKey).toBe(KEY);
    expect(seen.url).not.toContain(KEY);
    expect(seen.body).toContain('Long text about health checks.');
  });

  describe('answers cached (issue 27)', () => {
    it('answers the same request again from the cache, without the provider', async () => {
      await boot();
      provider.reply = answer('Summary one.');
      const body = { text: 'A text to summarize.', operation: 'summarize' };
      const first = await post(body).expect(200);
      const second = await post(body).expect(200);
      expect(first.body).toMatchObject({ result: 'Summary one.', cache_hit: false });
      expect(second.body).toMatchObject({ result: 'Summary one.', cache_hit: true });
      expect(provider.requests).toHaveLength(1);
      // Another operation, text or question is another answer.
      provider.reply = answer('Other.');
      await post({ ...body, operation: 'key_points' }).expect(200);
      await post({ ...body, text: 'A text to summarize!' }).expect(200);
      const qa = { text: 'T', operation: 'qa', question: 'Who?' };
      expect((await post(qa).expect(200)).body.cache_hit).toBe(false);
      expect((await post({ ...qa, question: 'When?' }).expect(200)).body.cache_hit).toBe(false);
      expect((await post(qa).expect(200)).body.cache_hit).toBe(true);
      expect(provider.requests).toHaveLength(5);
      const stats = app.get(CacheService).monitor.stats();
      expect(stats).toMatchObject({ hits: 2, misses: 5 });
    });

    it('never caches a failure', async () => {
      await boot();
      provider.reply = status(500);
      const body = { text: 'fails first', operation: 'questions' };
      await post(body).expect(502);
      provider.reply = answer('Q?');
      expect((await post(body).expect(200)).body).toMatchObject({ result: 'Q?', cache_hit: false });
      expect((await post(body).expect(200)).body.cache_hit).toBe(true);
      expect(provider.requests).toHaveLength(2);
    });

    it("serves a hit while the operation's breaker is open: the provider is not asked", async () => {
      await boot();
      provider.reply = answer('positive');
      const body = { text: 'I like it', operation: 'sentiment' };
      await post(body).expect(200);
      const isolation = app.get(CircuitBreakerRegistry).get('analyze_sentiment')!.isolate();
      try {
        expect((await post(body).expect(200)).body).toMatchObject({
          result: 'positive',
          cache_hit: true,
        });
        await post({ ...body, text: 'I do not like it' }).expect(503);
      } finally {
        isolation.dispose();
      }
      expect(provider.requests).toHaveLength(1);
    });
  });

  it('answers 503 at once, without calling the provider, when ai_model is not healthy', async () => {
    await boot({ GEMINI_API_KEY: '' });
    const res = await post({ text: 'hello', operation: 'summarize' }).expect(503);
    expect(res.body).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'AI model unavailable: Missing Gemini API key',
    });
    expect(provider.requests).toHaveLength(0);
  });

  describe('a provider answer that is not the expected JSON (defect 3)', () => {
    const HTML = '<html><body>Upstream proxy error: token=proxy-secret-77</body></html>';

    it('answers 502 with a short message; the log holds no stack and nothing of the body', async () => {
      const logger = new CapturingLogger();
      await boot({}, logger);
      provider.reply = (_req, res) => {
        res.setHeader('content-type', 'text/html');
        res.end(HTML);
      };
      const res = await post({ text: 'hello', operation: 'summarize' }).expect(502);
      expect(res.body).toEqual({
        statusCode: 502,
        error: 'Bad Gateway',
        message: 'AI provider answered with something other than JSON (HTTP 200)',
      });
      expect(provider.requests).toHaveLength(1);
      for (const text of [res.text, logger.text]) {
        expect(text).not.toMatch(/<html|proxy-secret|SyntaxError|Unexpected token/);
        expect(text).not.toMatch(/\n\s+at /);
      }
    });

    it('a JSON answer of another shape is a 502 too, never a 500', async () => {
      await boot();
      for (const body of ['null', '5', '{"candidates":[{"content":{"parts":"text"}}]}']) {
        provider.reply = (_req, res) => res.end(body);
        const res = await post({ text: 'hello', operation: 'summarize' }).expect(502);
        expect(res.body.message).toBe('AI provider returned no text');
      }
    });

    it('stops reading an answer beyond its bound: 502, and the rest is never sent', async () => {
      await boot();
      const huge = streaming(200, '{"candidates":[{"content":{"parts":[{"text":"', 50 * 2 ** 20);
      provider.reply = huge.reply;
      const res = await post({ text: 'hello', operation: 'summarize' }).expect(502);
      expect(res.body.message).toBe(
        `AI provider answer exceeds ${MAX_ANSWER_BYTES} bytes (HTTP 200)`,
      );
      await huge.progress.closed;
      expect(huge.progress.ended).toBe(false);
      expect(huge.progress.bytes).toBeLessThan(20 * 2 ** 20);
    });

    it('a 200 whose body breaks off is a 502', async () => {
      await boot();
      provider.reply = (_req, res) => {
        res.writeHead(200, { 'content-length': '1000' });
        res.write('{"candidates":', () => res.destroy());
      };
      const res = await post({ text: 'hello', operation: 'summarize' }).expect(502);
      expect(res.body.message).toBe('AI provider answer broke off (HTTP 200)');
    });

    it('a body still arriving when the time is up is a 504', async () => {
      await boot({ AI_REQUEST_TIMEOUT_MS: '300' });
      provider.reply = (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"candidates":');
      };
      const res = await post({ text: 'hello', operation: 'summarize' }).expect(504);
      expect(res.body.message).toBe('AI provider did not answer within 300 ms');
    });
  });

  it('real provider failures open the breaker; resilience and /v1/health report it; then 503 without waiting', async () => {
    await boot();
    provider.reply = status(500);
    for (let i = 0; i < 5; i++) {
      const res = await post({ text: 'hello', operation: 'sentiment' }).expect(502);
      expect(res.body.message).toBe('AI provider answered HTTP 500');
    }
    const open = await post({ text: 'hello', operation: 'sentiment' }).expect(503);
    expect(open.body.message).toBe('AI provider failing; circuit open, try again later');
    expect(provider.requests).toHaveLength(5);

    const legacy = await request(app.getHttpServer()).get('/v1/health').expect(200);
    expect(legacy.body).toMatchObject({
      status: 'degraded',
      resilience_healthy: false,
      ai_model_available: true,
    });
    expect(app.get(HealthService).getLastStatus('resilience')).toMatchObject({
      status: 'degraded',
      message: 'Open circuit breakers: analyze_sentiment',
      metadata: {
        open_circuit_breakers: ['analyze_sentiment'],
        circuit_breakers: {
          analyze_sentiment: { state: 'open', failures: 5, breaks: 1, rejections: 1 },
          summarize_text: { state: 'closed', failures: 0 },
        },
      },
    });
  });

  it('answers 504 when the provider does not answer in time', async () => {
    await boot({ AI_REQUEST_TIMEOUT_MS: '150' });
    provider.reply = () => undefined; // accepts and never answers
    const res = await post({ text: 'hello', operation: 'key_points' }).expect(504);
    expect(res.body.message).toBe('AI provider did not answer within 150 ms');
  });

  it('answers 502 when the provider resets the connection', async () => {
    await boot();
    provider.reply = (req) => req.socket.destroy();
    const res = await post({ text: 'hello', operation: 'questions' }).expect(502);
    expect(res.body.message).toMatch(/^AI provider unreachable \(/);
    expect(JSON.stringify(res.body)).not.toContain(KEY);
  });

  it.each([
    [[1, 2], 'Body must be a JSON object with "text" and "operation"'],
    [{ operation: 'summarize' }, '"text" must be a non-empty string'],
    [{ text: '   ', operation: 'summarize' }, '"text" must be a non-empty string'],
    [
      { text: 'x'.repeat(10_001), operation: 'summarize' },
      '"text" must be at most 10000 characters',
    ],
    [
      { text: 'hi', operation: 'translate' },
      '"operation" must be one of summarize, sentiment, key_points, questions, qa',
    ],
    [{ text: 'hi', operation: 'qa' }, '"question" is required for the qa operation'],
    [
      { text: 'hi', operation: 'qa', question: 5 },
      '"question" must be a string of at most 1000 characters',
    ],
  ])('refuses %j with 400 naming what is wrong', async (body, message) => {
    await boot();
    const res = await post(body).expect(400);
    expect(res.body).toEqual({ statusCode: 400, error: 'Bad Request', message });
    expect(provider.requests).toHaveLength(0);
  });

  it('refuses malformed JSON with 400 and no stack trace', async () => {
    await boot();
    const res = await request(app.getHttpServer())
      .post('/v1/text_processing/process')
      .set('content-type', 'application/json')
      .send('{"text": ')
      .expect(400);
    expect(res.body.statusCode).toBe(400);
    expect(res.text).not.toMatch(/at .*\.js:\d+/);
  });

  it('asks the question for qa', async () => {
    await boot();
    provider.reply = answer('42');
    await post({
      text: 'The answer is 42.',
      operation: 'qa',
      question: 'What is the answer?',
    }).expect(200);
    expect(provider.requests[0].body).toContain('What is the answer?');
  });

  describe('with API_KEY set', () => {
    const SERVICE_KEY = 'svc-secret-key-1';

    it.each([
      ['no key', {}, 401],
      ['a wrong Bearer key', { authorization: 'Bearer nope' }, 401],
      ['a wrong X-API-Key', { 'x-api-key': 'svc-secret-key-2' }, 401],
      ['the Bearer key', { authorization: `Bearer ${SERVICE_KEY}` }, 200],
      ['the X-API-Key', { 'x-api-key': SERVICE_KEY }, 200],
    ])('with %s %j answers %i', async (_label, headers, code) => {
      await boot({ API_KEY: SERVICE_KEY });
      const res = await post({ text: 'hello', operation: 'summarize' }).set(headers).expect(code);
      expect(res.text).not.toContain(SERVICE_KEY);
      expect(provider.requests).toHaveLength(code === 200 ? 1 : 0);
    });

    it('leaves GET /v1/health open', async () => {
      await boot({ API_KEY: SERVICE_KEY });
      await request(app.getHttpServer()).get('/v1/health').expect(200);
    });

    it('accepts API_KEY set with surrounding spaces, trimmed as for details (defect 7)', async () => {
      await boot({ API_KEY: `  ${SERVICE_KEY}\t`, HEALTH_DETAILS: 'when-authorized' });
      await post({ text: 'hello', operation: 'summarize' })
        .set('authorization', `Bearer ${SERVICE_KEY}`)
        .expect(200);
      await post({ text: 'hello', operation: 'summarize' })
        .set('x-api-key', SERVICE_KEY)
        .expect(200);
      const details = await request(app.getHttpServer())
        .get('/v1/health/components/ai_model')
        .set('x-api-key', SERVICE_KEY)
        .expect(200);
      expect(details.body.message).toBe('AI model configured');
    });
  });

  describe('ADDITIONAL_API_KEYS: more keys, wherever API_KEY counts', () => {
    const PRIMARY = 'svc-primary-key';
    const [K1, K2, K3] = ['extra-key-one', 'extra-key-two', 'extra-key-three'];
    let sent = 0;
    // A new text each time: an answer once given is cached (issue 27).
    const processText = () => post({ text: `hello ${++sent}`, operation: 'summarize' });
    const components = () => request(app.getHttpServer()).get('/v1/health/components/ai_model');

    it.each([
      ['comma-separated, spaced, with empty entries', ` ${K1} , ${K2},,${K3} ,`],
      ['a JSON array', JSON.stringify([K1, ` ${K2} `, K3])],
    ])('%s: each key processes text and sees details', async (_label, value) => {
      await boot({
        API_KEY: PRIMARY,
        ADDITIONAL_API_KEYS: value,
        HEALTH_DETAILS: 'when-authorized',
      });
      for (const key of [PRIMARY, K1, K2, K3]) {
        await processText().set('authorization', `Bearer ${key}`).expect(200);
        await processText().set('x-api-key', key).expect(200);
        const res = await components().set('x-api-key', key).expect(200);
        expect(res.body.message).toBe('AI model configured');
      }
      for (const key of ['', 'extra-key', `${K1},${K2}`, 'nope']) {
        const res = await processText().set('x-api-key', key).expect(401);
        expect(res.text).not.toMatch(/extra-key-|svc-primary/);
        expect((await components().set('x-api-key', key).expect(200)).body.message).toBe(undefined);
      }
      expect(provider.requests).toHaveLength(8);
    });

    it('requires a key when only ADDITIONAL_API_KEYS is set', async () => {
      await boot({ ADDITIONAL_API_KEYS: K1 });
      await processText().expect(401);
      await processText().set('x-api-key', K1).expect(200);
    });

    it('refuses at startup a value with no key in it, naming the variable', async () => {
      await expect(boot({ ADDITIONAL_API_KEYS: ' , ,' })).rejects.toThrow(
        'Invalid setting ADDITIONAL_API_KEYS',
      );
    });
  });

  describe('/process messages follow HEALTH_DETAILS, as the health endpoints (defect 8)', () => {
    const SERVICE_KEY = 'svc-secret-key-1';
    const EXTRA_KEY = 'svc-extra-key-2';
    const DETAILED =
      'AI model unavailable: ai_model check failed: AI provider unreachable: connection closed (UND_ERR_SOCKET)';

    /** ai_model probes a provider that resets every connection: UNHEALTHY, with a reason. */
    const bootUnreachable = async (env: Record<string, string>) => {
      provider.reply = (req) => req.socket.destroy();
      await boot({ HEALTH_CHECK_AI_MODEL_PROBE: 'true', ...env });
      expect(app.get(HealthService).getLastStatus('ai_model')?.status).toBe('unhealthy');
    };
    const processText = () => post({ text: 'hello', operation: 'summarize' });

    it('without API_KEY and HEALTH_DETAILS=never, an anonymous caller gets the generic 503', async () => {
      await bootUnreachable({ HEALTH_DETAILS: 'never' });
      const res = await processText().expect(503);
      expect(res.body).toEqual({
        statusCode: 503,
        error: 'Service Unavailable',
        message: 'AI model unavailable',
      });
      // The health endpoint hides the same reason.
      const health = await request(app.getHttpServer())
        .get('/v1/health/components/ai_model')
        .expect(503);
      expect(health.body.message).toBeUndefined();
    });

    const KEYS = { API_KEY: SERVICE_KEY, ADDITIONAL_API_KEYS: EXTRA_KEY };
    it.each([
      // HEALTH_DETAILS, the service's keys, the caller's headers, whether it sees why
      ['never', {}, {}, false],
      ['when-authorized', {}, {}, false],
      ['when-authorized', {}, { 'x-api-key': 'ops-details-key-01' }, true],
      ['always', {}, {}, true],
      ['never', KEYS, { 'x-api-key': SERVICE_KEY }, false],
      ['when-authorized', KEYS, { authorization: `Bearer ${SERVICE_KEY}` }, true],
      ['when-authorized', KEYS, { 'x-api-key': EXTRA_KEY }, true],
      ['always', KEYS, { 'x-api-key': EXTRA_KEY }, true],
    ])(
      'HEALTH_DETAILS=%s, keys %j, headers %j: details %s',
      async (details, keys, headers, shown) => {
        await bootUnreachable({
          HEALTH_DETAILS: details,
          HEALTH_DETAILS_KEYS: 'ops-details-key-01',
          ...keys,
        });
        const res = await processText().set(headers).expect(503);
        expect(res.body.message).toBe(shown ? DETAILED : 'AI model unavailable');
        const health = await request(app.getHttpServer())
          .get('/v1/health/components/ai_model')
          .set(headers)
          .expect(503);
        expect(health.body.message !== undefined).toBe(shown);
      },
    );

    it('callers without details get generic provider failures, with the same status codes', async () => {
      await boot({ HEALTH_DETAILS: 'when-authorized', AI_REQUEST_TIMEOUT_MS: '300' });
      provider.reply = status(500);
      expect((await processText().expect(502)).body.message).toBe('AI provider error');
      provider.reply = (_req, res) => res.end('<html>');
      expect((await processText().expect(502)).body.message).toBe('AI provider error');
      provider.reply = () => undefined;
      expect((await processText().expect(504)).body.message).toBe('AI provider timed out');
      provider.reply = status(500);
      let res = await processText();
      for (let i = 0; i < 5 && res.status === 502; i++) res = await processText();
      expect(res.status).toBe(503); // the breaker opened
      expect(res.body.message).toBe('AI model unavailable');
    });
  });

  describe('the API key is checked before the body is parsed (defect 12)', () => {
    const SERVICE_KEY = 'svc-secret-key-1';
    const EXTRA_KEY = 'svc-extra-key-2';
    const malformed = '{"text": ';
    const tooLarge = JSON.stringify({ text: 'x'.repeat(200_000), operation: 'summarize' });
    const send = (path: string, body: string, headers: Record<string, string> = {}) =>
      request(app.getHttpServer())
        .post(path)
        .set({ 'content-type': 'application/json', ...headers })
        .send(body);

    beforeEach(() => boot({ API_KEY: SERVICE_KEY, ADDITIONAL_API_KEYS: EXTRA_KEY }));

    it.each([
      ['malformed JSON', malformed],
      ['a body over the parser limit', tooLarge],
    ])('without a key, %s is 401, not 400 or 413', async (_label, body) => {
      const refused: Record<string, string>[] = [
        {},
        { 'x-api-key': 'wrong' },
        { authorization: 'Bearer wrong' },
      ];
      for (const headers of refused) {
        const res = await send('/v1/text_processing/process', body, headers).expect(401);
        expect(res.body).toEqual({
          statusCode: 401,
          error: 'Unauthorized',
          message: 'A valid API key is required (Authorization: Bearer or X-API-Key)',
        });
      }
      expect(provider.requests).toHaveLength(0);
    });

    it('checks every spelling of the path that Express routes to the controller', async () => {
      for (const path of [
        '/V1/Text_Processing/process',
        '/v1/text_processing/process/',
        '/v1/text_processing//process',
        '/v1/text_processing/process?x=1',
      ]) {
        await send(path, malformed).expect(401);
      }
    });

    it('with a key, the body is parsed and checked as before', async () => {
      for (const key of [SERVICE_KEY, EXTRA_KEY]) {
        await send('/v1/text_processing/process', malformed, { 'x-api-key': key }).expect(400);
        await send('/v1/text_processing/process', tooLarge, {
          authorization: `Bearer ${key}`,
        }).expect(413);
        await send(
          '/v1/text_processing/process',
          JSON.stringify({ text: 'hello', operation: 'summarize' }),
          { 'x-api-key': key },
        ).expect(200);
      }
    });

    it('refuses to configure an app whose body parser is already in place', async () => {
      expect(() => configureApp(app)).toThrow('configureApp must run before app.init()');
    });
  });
});
