import { eventually } from './support/eventually';
import type { RunningService } from './support/service-process';
import { ServiceProcess } from './support/service-process';
import type { TestCa, CertificateFiles } from './support/tls';
import { TestCertificates, TlsRedis } from './support/tls';

const REDIS_PASSWORD = 'mig-redis-pw-7d1e93c4b2';
const API_KEY = 'mig-api-key-5f0a2b8c91';
const GEMINI_API_KEY = 'AIzaMigGeminiKey0b8e7d6c5a4';
const EXTRA_KEYS = ['key1', 'key2', 'key3'];
const SECRETS = [REDIS_PASSWORD, API_KEY, GEMINI_API_KEY, ...EXTRA_KEYS];

/**
 * The template's health, Redis, AI and auth lines as it ships them in its `.env` (its
 * `setup-secure-redis.sh` output and `.env.example`), pointed at this test's Redis and files.
 */
function templateEnvFile(redisPort: number, ca: string, client: CertificateFiles): string {
  return `
# Health Check Configuration
HEALTH_CHECK_TIMEOUT_MS=2000
HEALTH_CHECK_AI_MODEL_TIMEOUT_MS=2000
HEALTH_CHECK_CACHE_TIMEOUT_MS=2000
HEALTH_CHECK_RESILIENCE_TIMEOUT_MS=2000
HEALTH_CHECK_RETRY_COUNT=1
HEALTH_CHECK_ENABLED_COMPONENTS=["ai_model", "cache", "resilience"]

# Redis Connection Settings
REDIS_URL=rediss://localhost:${redisPort}
REDIS_PASSWORD=${REDIS_PASSWORD}
REDIS_TLS_ENABLED=true
REDIS_TLS_CERT_PATH=${client.cert}
REDIS_TLS_KEY_PATH=${client.key}
REDIS_TLS_CA_PATH=${ca}
REDIS_VERIFY_CERTIFICATES=true

# AI Configuration
GEMINI_API_KEY=${GEMINI_API_KEY}
AI_MODEL=google-gla:gemini-2.5-flash-lite

# Authentication Configuration
API_KEY=${API_KEY}
ADDITIONAL_API_KEYS=${EXTRA_KEYS.join(',')}
`;
}

/** `KEY=value` lines as a dotenv reader sees them: comments and blank lines skipped. */
function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match) env[match[1]] = match[2];
  }
  return env;
}

/** The built service with the template's lines, no drain delay. */
function startService(env: Record<string, string>): Promise<RunningService> {
  return ServiceProcess.start({ HEALTH_SHUTDOWN_DELAY_MS: '0', ...env });
}

interface Answer {
  status: number;
  text: string;
  json: Record<string, unknown>;
}

async function get(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(url, { headers });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Not JSON: the assertions on text say what it was.
  }
  return { status: res.status, text, json };
}

/** `ask`, keeping every body it reads (for the secret check). */
function recording(bodies: string[], ask: () => Promise<Answer>): () => Promise<Answer> {
  return async () => {
    const answer = await ask();
    bodies.push(answer.text);
    return answer;
  };
}

/** Asked afresh (a new evaluation each time) every 100 ms, for about 6 s. */
const POLL = { timeoutMs: 6000, intervalMs: 100 };

function expectNoSecret(texts: string[]): void {
  for (const text of texts) {
    for (const secret of SECRETS) {
      // key1..key3 are short words: look for them as whole values, not inside other words.
      const pattern = new RegExp(`(^|[^A-Za-z0-9])${secret}($|[^A-Za-z0-9])`);
      if (pattern.test(text)) throw new Error(`secret ${JSON.stringify(secret)} in: ${text}`);
    }
  }
}

describe('migrating from the template: its own .env lines, a TLS Redis with a password (built service)', () => {
  let certs: TestCertificates;
  let ca: TestCa;
  let wrongCa: TestCa;
  let client: CertificateFiles;
  let redis: TlsRedis | undefined;

  beforeAll(async () => {
    certs = new TestCertificates();
    ca = certs.ca('ca');
    wrongCa = certs.ca('other-ca');
    client = certs.client('client', ca);
    // The template sends its client certificate: require one, signed by the CA.
    redis = await TlsRedis.start({
      server: certs.server('server', ca),
      ca,
      client,
      password: REDIS_PASSWORD,
      authClients: 'yes',
    });
  }, 20_000);

  afterEach(() => ServiceProcess.killAll());

  afterAll(async () => {
    await redis?.stop();
    certs?.remove();
  });

  it('starts with the template lines, reaches the cache over TLS, and accepts an ADDITIONAL_API_KEYS key', async () => {
    const env = parseEnvFile(templateEnvFile(redis!.port, ca.cert, client));
    expect(Object.keys(env)).toHaveLength(17);
    const started = await startService(env);
    const { url } = started;
    const bodies: string[] = [];

    const legacy = await eventually(
      recording(bodies, () => get(`${url}/v1/health`)),
      { ...POLL, until: (answer) => answer.json.cache_healthy === true },
    );
    expect(legacy.status).toBe(200);
    expect(legacy.json).toMatchObject({ cache_healthy: true, resilience_healthy: true });

    // A key from ADDITIONAL_API_KEYS sees the details, as API_KEY does.
    const cache = await get(`${url}/v1/health/components/cache`, { 'X-API-Key': 'key2' });
    bodies.push(cache.text);
    expect(cache.status).toBe(200);
    expect(cache.json).toMatchObject({
      name: 'cache',
      status: 'healthy',
      message: 'Redis cache operational',
      metadata: { backend: 'redis', ping_ms: expect.any(Number) },
    });
    // And a key that is not configured does not.
    const anonymous = await get(`${url}/v1/health/components/cache`, { 'X-API-Key': 'key4' });
    bodies.push(anonymous.text);
    expect(anonymous.json).not.toHaveProperty('metadata');

    expect((await started.stop()).code).toBe(0);
    expectNoSecret([started.output(), ...bodies]);
  }, 15_000);

  it('with a CA that did not sign the server certificate: degraded, says TLS verification failed, no secret anywhere', async () => {
    const env = parseEnvFile(templateEnvFile(redis!.port, wrongCa.cert, client));
    const started = await startService(env);
    const { url } = started;
    const bodies: string[] = [];

    const cache = await eventually(
      recording(bodies, () => get(`${url}/v1/health/components/cache`, { 'X-API-Key': API_KEY })),
      {
        ...POLL,
        until: (answer) => typeof answer.json.metadata === 'object' && /verif/.test(answer.text),
      },
    );
    expect(cache.json).toMatchObject({
      name: 'cache',
      status: 'degraded',
      message: 'Redis unavailable, serving from memory',
      metadata: {
        backend: 'memory',
        configured_backend: 'redis',
        redis_connection_error: expect.stringMatching(
          /^TLS certificate verification failed: .*certificate/,
        ),
      },
    });
    const legacy = await get(`${url}/v1/health`);
    bodies.push(legacy.text);
    expect(legacy.json).toMatchObject({ status: 'degraded', cache_healthy: false });
    // The log says so too, once.
    expect(started.output()).toMatch(
      /Redis unavailable, serving from memory: TLS certificate verification failed/,
    );

    expect((await started.stop()).code).toBe(0);
    expectNoSecret([started.output(), ...bodies]);
  }, 15_000);

  it('with REDIS_VERIFY_CERTIFICATES=false, connects through the same wrong CA', async () => {
    const env = parseEnvFile(templateEnvFile(redis!.port, wrongCa.cert, client));
    const started = await startService({ ...env, REDIS_VERIFY_CERTIFICATES: 'false' });
    const { url } = started;
    const bodies: string[] = [];
    await eventually(
      recording(bodies, () => get(`${url}/v1/health`)),
      {
        ...POLL,
        until: (answer) => answer.json.cache_healthy === true,
      },
    );
    expect((await started.stop()).code).toBe(0);
    expectNoSecret([started.output(), ...bodies]);
  }, 15_000);

  it.each([
    ['a malformed port', 'redis://:secret-in-url@127.0.0.1:notaport'],
    ['another scheme', 'http://:secret-in-url@127.0.0.1:6390'],
  ])(
    'stops at startup on a REDIS_URL with %s: one line naming REDIS_URL, the password masked, no stack',
    async (_case, redisUrl) => {
      const { code, output } = await ServiceProcess.startupFailure(
        { HEALTH_SHUTDOWN_DELAY_MS: '0', REDIS_URL: redisUrl },
        { killAfterMs: 5000 },
      );
      expect(code).toBe(1);
      expect(output).toContain('REDIS_URL');
      expect(output).toContain('expected a redis:// or rediss:// URL');
      expect(output).not.toContain('secret-in-url');
      expect(output).not.toMatch(/^\s+at /m);
    },
    10_000,
  );
});
