import { HealthConfigurationError } from '../../shared/errors';
import { HealthStatus } from '../../core/health-status';
import { AiModelIndicator } from './ai-model.indicator';
import type { AiModelIndicatorOptions } from './ai-model.options';
import { AI_MODEL_DEFAULTS, AI_MODEL_MODES, resolveAiModelOptions } from './ai-model.options';

const KEY = 'AIzaSy-test-key-0123456789';
const signal = () => new AbortController().signal;

/** A fetch that fails the test if anything calls it. */
function forbiddenFetch() {
  return jest.fn<Promise<Response>, Parameters<typeof fetch>>(() => {
    throw new Error('no request expected');
  });
}

function errorMessage(act: () => unknown): string {
  try {
    act();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('AiModelIndicator options', () => {
  it('defaults to config mode on Google endpoint, no cache TTL, name ai_model', () => {
    const indicator = new AiModelIndicator();
    expect(indicator.name).toBe('ai_model');
    expect(indicator.cacheTtlMs).toBeUndefined();
    expect(resolveAiModelOptions()).toEqual({
      apiKey: undefined,
      model: 'gemini-2.0-flash-exp',
      mode: 'config',
      baseUrl: 'https://generativelanguage.googleapis.com',
      probeTtlMs: 60000,
      fetch: globalThis.fetch,
    });
    expect(AI_MODEL_DEFAULTS.probeTtlMs).toBe(60000);
    expect(AI_MODEL_MODES).toEqual(['config', 'probe']);
  });

  it('exposes probeTtlMs as cacheTtlMs in probe mode only', () => {
    expect(new AiModelIndicator({ mode: 'probe' }).cacheTtlMs).toBe(60000);
    expect(new AiModelIndicator({ mode: 'probe', probeTtlMs: 0 }).cacheTtlMs).toBe(0);
    expect(new AiModelIndicator({ mode: 'config', probeTtlMs: 5 }).cacheTtlMs).toBeUndefined();
  });

  it('trims the key, model and trailing slashes of baseUrl, keeping a path prefix', () => {
    const resolved = resolveAiModelOptions({
      apiKey: ` ${KEY}\n`,
      model: ' gemini-pro ',
      baseUrl: 'http://127.0.0.1:8080/proxy//',
    });
    expect(resolved).toMatchObject({
      apiKey: KEY,
      model: 'gemini-pro',
      baseUrl: 'http://127.0.0.1:8080/proxy',
    });
    expect(resolveAiModelOptions({ apiKey: '   ' }).apiKey).toBeUndefined();
    const unset = null as unknown as string;
    expect(resolveAiModelOptions({ apiKey: unset }).apiKey).toBeUndefined();
  });

  it.each<[string, AiModelIndicatorOptions, RegExp]>([
    ['unknown mode', { mode: 'live' as 'probe' }, /ai_model\.mode: "live" \(expected "config"/],
    ['non-URL baseUrl', { baseUrl: 'not a url' }, /ai_model\.baseUrl: "not a url"/],
    ['non-http baseUrl', { baseUrl: 'ftp://example.test' }, /baseUrl: "ftp:\/\/example\.test"/],
    ['baseUrl with a query', { baseUrl: 'https://h.test/?a=1' }, /baseUrl: .*without .*query/],
    [
      'baseUrl with a fragment',
      { baseUrl: 'https://h.test/#x' },
      /baseUrl: "https:\/\/h.test\/#x"/,
    ],
    ['non-string baseUrl', { baseUrl: 42 as unknown as string }, /ai_model\.baseUrl: 42/],
    [
      'negative TTL',
      { probeTtlMs: -1 },
      /ai_model\.probeTtlMs: -1 \(expected a number of ms >= 0\)/,
    ],
    ['NaN TTL', { probeTtlMs: NaN }, /ai_model\.probeTtlMs: NaN/],
    ['string TTL', { probeTtlMs: '5' as unknown as number }, /ai_model\.probeTtlMs: "5"/],
    ['blank model', { model: ' ' }, /ai_model\.model: " "/],
    ['non-function fetch', { fetch: 'x' as unknown as typeof fetch }, /ai_model\.fetch: "x"/],
  ])('rejects %s, naming the option and the value', (_label, options, message) => {
    expect(() => new AiModelIndicator(options)).toThrow(HealthConfigurationError);
    expect(() => new AiModelIndicator(options)).toThrow(message);
  });

  it('rejects options that are not an object', () => {
    const bad = null as unknown as AiModelIndicatorOptions;
    expect(() => new AiModelIndicator(bad)).toThrow(/ai_model options: null/);
  });

  it.each([
    ['a key with a line break inside', `${KEY}\nX-Evil: 1`],
    ['a non-string key', 12345678 as unknown as string],
  ])('rejects %s without printing it', (_label, apiKey) => {
    const attempt = () => new AiModelIndicator({ apiKey });
    expect(attempt).toThrow(/ai_model\.apiKey: "\*\*\*" \(expected a string of printable ASCII\)/);
  });

  it.each([
    [`https://user:${KEY}@proxy.test`, '"https://***@proxy.test"'],
    [`https://${KEY}@proxy.test/v1`, '"https://***@proxy.test/v1"'],
    [`https://proxy.test/?key=${KEY}`, '"https://proxy.test/?key=***"'],
  ])('masks credentials and key parameters of a rejected baseUrl', (baseUrl, shown) => {
    const message = errorMessage(() => new AiModelIndicator({ baseUrl }));
    expect(message).toContain(`ai_model.baseUrl: ${shown}`);
    expect(message).not.toContain(KEY);
  });
});

describe('AiModelIndicator in config mode', () => {
  it('is HEALTHY with a key, and never calls the provider', async () => {
    const fetch = forbiddenFetch();
    const indicator = new AiModelIndicator({ apiKey: KEY, model: 'gemini-pro', fetch });
    await expect(indicator.check(signal())).resolves.toEqual({
      status: HealthStatus.HEALTHY,
      message: 'AI model configured',
      metadata: { provider: 'gemini', model: 'gemini-pro', has_api_key: true, mode: 'config' },
    });
    expect(fetch).not.toHaveBeenCalled();
  });

  it('is DEGRADED without a key', async () => {
    const result = await new AiModelIndicator({ fetch: forbiddenFetch() }).check(signal());
    expect(result).toEqual({
      status: HealthStatus.DEGRADED,
      message: 'Missing Gemini API key',
      metadata: {
        provider: 'gemini',
        model: 'gemini-2.0-flash-exp',
        has_api_key: false,
        mode: 'config',
      },
    });
  });
});

describe('AiModelIndicator in probe mode without a key', () => {
  it('is DEGRADED without asking the provider', async () => {
    const fetch = forbiddenFetch();
    const result = await new AiModelIndicator({ mode: 'probe', apiKey: '', fetch }).check(signal());
    expect(result).toMatchObject({
      status: HealthStatus.DEGRADED,
      message: 'Missing Gemini API key',
      metadata: { has_api_key: false, mode: 'probe' },
    });
    expect(result.metadata).not.toHaveProperty('http_status');
    expect(fetch).not.toHaveBeenCalled();
  });
});
