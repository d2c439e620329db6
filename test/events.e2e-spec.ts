import type { ReportEventData, TransitionEventData } from '@nest-health/core';
import { eventually } from './support/eventually';
import { PrivateRedis } from './support/redis-server';
import type { RunningService } from './support/service-process';
import { ServiceProcess } from './support/service-process';
import { SseClient } from './support/sse-client';

/**
 * `GET /v1/health/events` of the BUILT service, with a private redis-server (password set) as
 * its cache: a real fault (SIGKILL) reaches every connected client as a transition, with the
 * details rule per client and no secret anywhere; at SIGTERM the streams end and the process
 * exits by itself.
 */
const KEY = 'k-events-e2e-1234';
const PASSWORD = 'redis-pass-e2e-5678';

jest.setTimeout(60_000);

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(env: Record<string, string> = {}) {
  const redis = await PrivateRedis.start({ password: PASSWORD });
  cleanups.push(() => redis.stop());
  const service = await ServiceProcess.start({
    API_KEY: KEY,
    REDIS_URL: redis.url,
    HEALTH_EVALUATION_INTERVAL_MS: '200',
    HEALTH_SHUTDOWN_DELAY_MS: '0',
    ...env,
  });
  cleanups.push(() => service.kill());
  return { redis, service };
}

async function connect(service: RunningService, headers: Record<string, string> = {}) {
  const client = await SseClient.connect(`${service.url}/v1/health/events`, headers);
  cleanups.push(() => client.close());
  return client;
}

const cacheOf = (report: ReportEventData) => report.components.find((c) => c.name === 'cache');
const lastReport = (client: SseClient) => client.data<ReportEventData>('report').at(-1);

describe('GET /v1/health/events (built service)', () => {
  it('brings a killed and restarted Redis to every client as transitions, details only with a key', async () => {
    const { redis, service } = await setUp();
    const anonymous = await connect(service);
    const authorized = await connect(service, { 'X-API-Key': KEY });
    for (const client of [anonymous, authorized]) {
      expect(client.status).toBe(200);
      await client.waitFor(() =>
        client.data<ReportEventData>('report').some((r) => cacheOf(r)?.status === 'healthy'),
      );
    }

    await redis.kill();
    const degraded = (client: SseClient) =>
      client
        .data<TransitionEventData>('transition')
        .find((t) => t.component === 'cache' && t.to === 'degraded');
    for (const client of [anonymous, authorized]) await client.waitFor(() => !!degraded(client));
    expect(degraded(anonymous)).toEqual({
      component: 'cache',
      from: 'healthy',
      to: 'degraded',
      at: expect.any(Number),
    });
    expect(degraded(authorized)).toMatchObject({ from: 'healthy', to: 'degraded' });
    expect(degraded(authorized)!.message).toMatch(/Redis/);
    expect(cacheOf(lastReport(authorized)!)).toMatchObject({
      status: 'degraded',
      message: expect.any(String),
      metadata: expect.objectContaining({ backend: 'memory' }),
    });
    expect(cacheOf(lastReport(anonymous)!)).not.toHaveProperty('message');

    await redis.restart();
    for (const client of [anonymous, authorized]) {
      await client.waitFor(() =>
        client
          .data<TransitionEventData>('transition')
          .some((t) => t.component === 'cache' && t.to === 'healthy'),
      );
      expect(client.text).not.toContain(PASSWORD);
      expect(client.text).not.toContain(KEY);
    }
  });

  it('takes at most 20 streams from one address (429 past it), still takes other addresses, and frees a place when a stream ends', async () => {
    // No Redis needed: the service listens on every address (`::`), so 127.0.0.2 and ::1 are
    // other clients of the same machine.
    const service = await ServiceProcess.start({
      API_KEY: KEY,
      HEALTH_EVALUATION_INTERVAL_MS: '1000',
      HEALTH_SHUTDOWN_DELAY_MS: '0',
    });
    cleanups.push(() => service.kill());
    const { port } = new URL(service.url);
    const from = async (
      host: string,
      localAddress: string,
      headers: Record<string, string> = {},
    ) => {
      const client = await SseClient.connect(`http://${host}:${port}/v1/health/events`, headers, {
        localAddress,
      });
      cleanups.push(() => client.close());
      return client;
    };
    const taken: SseClient[] = [];
    for (let i = 0; i < 20; i++) taken.push(await from('127.0.0.1', '127.0.0.1'));
    expect(taken.map((client) => client.status)).toEqual(new Array(20).fill(200));

    // The 21st from that address, whatever it claims to be forwarded for.
    const refused = await from('127.0.0.1', '127.0.0.1', { 'X-Forwarded-For': '198.51.100.7' });
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('5');
    await refused.closed;
    expect(refused.text).toBe(
      'too many event-stream clients from one address (limit 20 per address): retry later\n',
    );

    // Everyone else still gets the live view.
    for (const other of [await from('127.0.0.2', '127.0.0.2'), await from('[::1]', '::1')]) {
      expect(other.status).toBe(200);
      await other.waitFor((events) => events.some((e) => e.event === 'report'));
    }

    // One of the 20 leaves: its address may connect once more, and only once.
    taken[0].close();
    const again = await eventually(() => from('127.0.0.1', '127.0.0.1'), {
      until: (client) => client.status === 200,
      timeoutMs: 5000,
      message: 'a place for 127.0.0.1 again',
    });
    expect(again.status).toBe(200);
    expect((await from('127.0.0.1', '127.0.0.1')).status).toBe(429);
  });

  it('ends its streams at SIGTERM, refuses new ones while draining, and the process exits by itself', async () => {
    const { service } = await setUp({
      HEALTH_SHUTDOWN_DELAY_MS: '1500',
      // A stream that held the process would keep it for this long.
      HEALTH_SHUTDOWN_TIMEOUT_MS: '120000',
    });
    const client = await connect(service);
    await client.waitFor((events) => events.length > 0);

    service.signal('SIGTERM');
    await client.closed;
    const late = await SseClient.connect(`${service.url}/v1/health/events`);
    expect(late.status).toBe(503);
    await late.closed;
    expect(late.text).toBe('the service is draining: connect to another instance\n');

    // Within the test's timeout, far below the 120 s the drain would give a connection left open.
    const { code } = await service.exited();
    expect(code).toBe(0);
    expect(service.output()).toContain('closing');
    expect(service.output()).not.toMatch(/closed \d+ connection\(s\) still open/);
  });
});
