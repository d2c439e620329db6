import { HealthService } from '@nest-health/core';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApiApp } from './support/api-app';
import { FakeGemini, answer, status } from './support/fake-gemini';

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
  });

  const boot = async (env: Record<string, string> = {}) => {
    app = await createApiApp({ GEMINI_BASE_URL: provider.baseUrl, GEMINI_API_KEY: KEY, ...env });
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
    });
    expect(provider.requests).toHaveLength(1);
    const [seen] = provider.requests;
    expect(seen.method).toBe('POST');
    expect(seen.url).toBe('/v1beta/models/gemini-test:generateContent');
    expect(seen.apiKey).toBe(KEY);
    expect(seen.url).not.toContain(KEY);
    expect(seen.body).toContain('Long text about health checks.');
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
      message: 'Open circuit breakers: ai_provider',
      metadata: {
        open_circuit_breakers: ['ai_provider'],
        circuit_breakers: { ai_provider: { state: 'open', failures: 5, breaks: 1, rejections: 1 } },
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
    ])('with %s answers %i', async (_label, headers, code) => {
      await boot({ API_KEY: SERVICE_KEY });
      const res = await post({ text: 'hello', operation: 'summarize' }).set(headers).expect(code);
      expect(res.text).not.toContain(SERVICE_KEY);
      expect(provider.requests).toHaveLength(code === 200 ? 1 : 0);
    });

    it('leaves GET /v1/health open', async () => {
      await boot({ API_KEY: SERVICE_KEY });
      await request(app.getHttpServer()).get('/v1/health').expect(200);
    });
  });
});
