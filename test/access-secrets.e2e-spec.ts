import type { RunningService } from './support/service-process';
import { ServiceProcess } from './support/service-process';

/**
 * One rule for every secret that grants access (admin keys, details keys, the metrics token), on
 * the BUILT service as `npm start` runs it: a weak, blank or shared secret stops startup with
 * one line naming the variable and never the value; every secret is presented the same ways.
 */
const ADMIN = 'admin-e2e-key-7d41c09a2b';
const METRICS_TOKEN = 'metrics-e2e-token-3e9f1a7c5b';
const RULE =
  'expected a secret of at least 16 characters: letters, digits, - . _ ~ + / (then optional =)';

/** What the service printed before it exited; fails when it started instead. */
async function refusal(env: Record<string, string>): Promise<string> {
  let running: RunningService | undefined;
  try {
    running = await ServiceProcess.start({ HEALTH_SHUTDOWN_DELAY_MS: '0', ...env });
  } catch (error) {
    return (error as Error).message.replace(/^service exited( \([^)]*\))?: /, '').trim();
  }
  await running.kill();
  throw new Error('the service started');
}

describe('secrets that grant access: startup (the built service)', () => {
  it.each([
    [
      'an admin key of one letter',
      { HEALTH_ADMIN_KEYS: 'a' },
      `HEALTH_ADMIN_KEYS: "***" (${RULE})`,
    ],
    [
      'a metrics token of one space (it used to leave /metrics open)',
      { HEALTH_METRICS_TOKEN: ' ' },
      'HEALTH_METRICS_TOKEN: "***" (expected one or more secrets, not a blank value (leave it unset or empty for none))',
    ],
    [
      'an admin key equal to API_KEY',
      { HEALTH_ADMIN_KEYS: ADMIN, API_KEY: ADMIN },
      'HEALTH_ADMIN_KEYS: "***" (expected keys other than those of API_KEY: an admin key may not be a details key)',
    ],
  ])(
    'stops on %s with one line naming the variable, never the value',
    async (_, env, line) => {
      const output = await refusal(env);
      expect(output).toBe(`Invalid setting ${line}`);
      expect(output).not.toContain(ADMIN);
    },
    30_000,
  );
});

describe('secrets that grant access: presented as Bearer or X-API-Key (the built service)', () => {
  let service: RunningService;

  beforeAll(async () => {
    // The template's own API_KEY keeps its rule: short, and still a details key.
    service = await ServiceProcess.start({
      HEALTH_SHUTDOWN_DELAY_MS: '0',
      HEALTH_ADMIN_KEYS: ADMIN,
      HEALTH_METRICS_TOKEN: METRICS_TOKEN,
      API_KEY: 'svc-key',
    });
  }, 30_000);
  afterAll(() => service?.kill());

  const get = (path: string, headers: Record<string, string>) =>
    fetch(`${service.url}${path}`, { headers });

  it('takes the metrics token in X-API-Key as in Authorization: Bearer', async () => {
    for (const headers of [
      { 'x-api-key': METRICS_TOKEN } as Record<string, string>,
      { authorization: `Bearer ${METRICS_TOKEN}` },
    ]) {
      const res = await get('/metrics', headers);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('# TYPE health_component_status ');
    }
    expect((await get('/metrics', { 'x-api-key': ADMIN })).status).toBe(401);
  });

  it('takes the admin key both ways, and API_KEY opens details but not the admin endpoint', async () => {
    expect((await get('/v1/health/config', { 'x-api-key': ADMIN })).status).toBe(200);
    expect((await get('/v1/health/config', { authorization: `Bearer ${ADMIN}` })).status).toBe(200);
    expect((await get('/v1/health/config', { 'x-api-key': 'svc-key' })).status).toBe(401);
    const details = await get('/v1/health/components/ai_model', { 'x-api-key': 'svc-key' });
    expect(((await details.json()) as { message?: string }).message).toBe('Missing Gemini API key');
    const anonymous = await get('/v1/health/components/ai_model', {});
    expect(((await anonymous.json()) as { message?: string }).message).toBeUndefined();
  });

  it('never writes a secret to its output', () => {
    expect(service.output()).toContain('api listening on');
    for (const secret of [ADMIN, METRICS_TOKEN]) expect(service.output()).not.toContain(secret);
  });
});
