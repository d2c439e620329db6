import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventually } from '../../../../test/support/eventually';
import { SseClient, stalledClient } from '../../../../test/support/sse-client';
import { HealthStatus } from '../core/health-status';
import { HealthService } from '../core/health.service';
import type { HealthModuleExtras } from '../health.module-definition';
import { HealthModule } from '../health.module';
import type { HealthModuleOptions } from '../health.options';
import { ManualClock } from '../testing/clocks';
import { HealthEventStream } from './event-stream';
import type { ReportEventData, TransitionEventData } from './health-event';

const KEY = 'details-key-1234';
/** Asked every 10 ms, for up to 5 s. */
const POLL = { timeoutMs: 5000, intervalMs: 10 };

/** Jest fakes only the stream's own timer (hold or heartbeat); sockets, ticks and Date stay real. */
const ALL_BUT_TIMERS: FakeableAPI[] = [
  'Date',
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'requestAnimationFrame',
  'cancelAnimationFrame',
  'requestIdleCallback',
  'cancelIdleCallback',
  'setImmediate',
  'clearImmediate',
];
const EXCEPT_TIMEOUTS: FakeableAPI[] = [...ALL_BUT_TIMERS, 'setInterval', 'clearInterval'];
const EXCEPT_INTERVALS: FakeableAPI[] = [...ALL_BUT_TIMERS, 'setTimeout', 'clearTimeout'];
const PASSWORD = 's3cret-pass';

/** A check whose answer the test sets. */
function flipper() {
  const state: { status: HealthStatus; message: string; metadata: Record<string, unknown> } = {
    status: HealthStatus.HEALTHY,
    message: 'flip ok',
    metadata: {},
  };
  return { state, check: { name: 'flip', check: () => ({ ...state }) } };
}

describe('GET <base>/events', () => {
  let app: INestApplication | undefined;
  let base: string;
  const clients: SseClient[] = [];

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await app?.close();
    app = undefined;
  });

  async function boot(
    options: HealthModuleOptions & HealthModuleExtras = {},
    prefix?: string,
    waitForStart = true,
    host = '127.0.0.1',
  ): Promise<INestApplication> {
    const moduleRef = await Test.createTestingModule({
      // The event stream is on unless `options.http.endpoints` says not.
      imports: [
        HealthModule.forRoot({
          evaluationIntervalMs: 0,
          ...options,
          http: { ...options.http, endpoints: { events: true, ...options.http?.endpoints } },
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    if (prefix) app.setGlobalPrefix(prefix);
    await app.listen(0, host);
    base = await app.getUrl();
    // The evaluation at bootstrap: its report is every new client's first event.
    if (waitForStart) await eventually(() => app!.get(HealthService).started, POLL);
    return app;
  }

  async function sse(path = '/v1/health/events', headers: Record<string, string> = {}) {
    const client = await SseClient.connect(`${base}${path}`, headers);
    clients.push(client);
    return client;
  }

  const health = () => app!.get(HealthService);
  const stream = () => app!.get(HealthEventStream);
  const reports = (client: SseClient) => client.data<ReportEventData>('report');
  const transitions = (client: SseClient) => client.data<TransitionEventData>('transition');

  it('streams reports as text/event-stream: retry first, then the latest report, then each new one', async () => {
    const { check } = flipper();
    await boot({ checks: [check], details: 'always', events: { reportIntervalMs: 0 } });
    await health().check();
    const client = await sse();
    expect(client.status).toBe(200);
    expect(client.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(client.headers['cache-control']).toBe('no-store');
    expect(client.headers['x-accel-buffering']).toBe('no');
    await client.waitFor((events) => events.length === 1);
    expect(client.text.startsWith('retry: 3000\n\n')).toBe(true);
    expect(client.retry).toBe(3000);
    const [snapshot] = reports(client);
    expect(snapshot.overall_status).toBe('healthy');
    expect(snapshot.components[0]).toMatchObject({
      name: 'flip',
      status: 'healthy',
      message: 'flip ok',
      metadata: {},
    });
    expect(typeof snapshot.components[0].response_time_ms).toBe('number');
    expect(Math.abs(snapshot.components[0].checked_at - snapshot.timestamp)).toBeLessThan(1);

    const next = await health().check();
    await client.waitFor((events) => events.length === 2);
    expect(reports(client)[1].timestamp).toBe(next.timestamp);
    // Ids are `<boot>-<n>`, increasing.
    const [a, b] = client.events.map((e) => e.id!);
    expect(a).toMatch(/^[0-9a-f]{8}-\d+$/);
    expect(Number(b.split('-')[1])).toBeGreaterThan(Number(a.split('-')[1]));
    expect(stream().clientCount).toBe(1);
  });

  it('sends nothing but retry to a client that connects before the first report', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = {
      name: 'slow',
      check: async () => {
        await gate;
        return { status: HealthStatus.HEALTHY };
      },
    };
    await boot({ checks: [slow] }, undefined, false);
    const client = await sse();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(client.text).toBe('retry: 3000\n\n');
    release();
    await client.waitFor((events) => events.length === 1);
    expect(reports(client)[0].components[0].name).toBe('slow');
  });

  it('dates a result by its report when its check was replaced meanwhile', async () => {
    let release!: () => void;
    let gate: Promise<void> = Promise.resolve();
    const check = {
      name: 'flip',
      check: async () => {
        await gate;
        return { status: HealthStatus.HEALTHY };
      },
    };
    await boot({ checks: [check], events: { reportIntervalMs: 0 } });
    const client = await sse();
    await client.waitFor((events) => events.length === 1);
    // The snapshot's result is dated by its run, which ended before the report was made (to the ms).
    const [snapshot] = reports(client);
    expect(snapshot.components[0].checked_at).toBeLessThanOrEqual(snapshot.timestamp + 0.001);

    gate = new Promise<void>((resolve) => (release = resolve));
    const pending = health().check();
    health().register(
      { ...check, check: () => ({ status: HealthStatus.HEALTHY }) },
      { replace: true },
    );
    release();
    const report = await pending;
    await client.waitFor((events) => events.length === 2);
    expect(reports(client)[1].components[0].checked_at).toBe(report.timestamp);
  });

  it('sends a transition per component and for the system, after the first report', async () => {
    const { state, check } = flipper();
    const steady = { name: 'steady', check: () => ({ status: HealthStatus.HEALTHY }) };
    await boot({ checks: [check, steady], details: 'always', events: { reportIntervalMs: 0 } });
    const client = await sse();
    state.status = HealthStatus.UNHEALTHY;
    state.message = 'flip down';
    const changed = await health().check();
    await client.waitFor(() => transitions(client).length === 2);
    const at = changed.timestamp;
    expect(transitions(client)).toEqual([
      { component: 'flip', from: 'healthy', to: 'unhealthy', at, message: 'flip down' },
      { component: null, from: 'healthy', to: 'unhealthy', at },
    ]);
    // The latest report on connecting, then the report that carries the change, then the changes.
    expect(client.events.map((e) => e.event)).toEqual([
      'report',
      'report',
      'transition',
      'transition',
    ]);
    expect(reports(client)[1].timestamp).toBe(at);
  });

  it('follows the details rule per client and never shows a secret', async () => {
    const { state, check } = flipper();
    await boot({
      checks: [check],
      detailsKeys: [KEY],
      secrets: [PASSWORD],
      events: { reportIntervalMs: 0 },
    });
    const anonymous = await sse();
    const wrongKey = await sse('/v1/health/events', { 'X-API-Key': 'not-the-key' });
    const authorized = await sse('/v1/health/events', { Authorization: `Bearer ${KEY}` });
    state.status = HealthStatus.DEGRADED;
    state.message = `cannot reach redis://user:${PASSWORD}@db:6379 with ${PASSWORD}`;
    state.metadata = { url: `https://x.test/?token=${PASSWORD}` };
    await health().check();
    for (const client of [anonymous, wrongKey, authorized]) {
      await client.waitFor(() => transitions(client).length === 2);
      expect(client.text).not.toContain(PASSWORD);
    }
    for (const client of [anonymous, wrongKey]) {
      expect(client.text).not.toContain('cannot reach');
      expect(reports(client)[1].components[0]).not.toHaveProperty('message');
      expect(reports(client)[1].components[0]).not.toHaveProperty('metadata');
      expect(transitions(client)[0]).not.toHaveProperty('message');
    }
    expect(reports(authorized)[1].components[0].message).toBe(
      'cannot reach redis://user:***@db:6379 with ***',
    );
    expect(transitions(authorized)[0].message).toContain('cannot reach');
    expect(reports(authorized)[1].components[0].metadata).toEqual({
      url: 'https://x.test/?token=***',
    });
  });

  it('asks the app hook when no key matches', async () => {
    const { check } = flipper();
    await boot({
      checks: [check],
      authorizeDetails: async (req) => req.headers['x-team'] === 'ops',
    });
    const ops = await sse('/v1/health/events', { 'X-Team': 'ops' });
    const other = await sse();
    await ops.waitFor((events) => events.length === 1);
    await other.waitFor((events) => events.length === 1);
    expect(reports(ops)[0].components[0].message).toBe('flip ok');
    expect(reports(other)[0].components[0].message).toBeUndefined();
  });

  it('resumes from Last-Event-ID with the missed transitions and the latest report, else the latest report', async () => {
    const { state, check } = flipper();
    await boot({ checks: [check], events: { reportIntervalMs: 0, replay: 4 } });
    const watcher = await sse();
    const first = await sse();
    await first.waitFor((events) => events.length === 1);
    const seen = first.events[0].id!;
    first.close();

    state.status = HealthStatus.DEGRADED;
    await health().check(); // report + 2 transitions
    const resumed = await sse('/v1/health/events', { 'Last-Event-ID': seen });
    await resumed.waitFor((events) => events.length === 3);
    expect(resumed.events.map((e) => e.event)).toEqual(['report', 'transition', 'transition']);
    expect(Number(resumed.events[0].id!.split('-')[1])).toBe(Number(seen.split('-')[1]) + 1);

    // The same through the query, for clients that cannot set headers: nothing missed.
    const latest = resumed.events[2].id!;
    const upToDate = await sse(`/v1/health/events?lastEventId=${latest}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(upToDate.events).toEqual([]);
    // A query without the id is no id.
    const plain = await sse('/v1/health/events?x=1');
    await plain.waitFor((events) => events.length === 1);
    expect(plain.events[0]).toEqual(resumed.events[0]);

    // Reports since: only the latest is kept, so an older id gets the transitions it missed and
    // the current report, not every report in between.
    for (let i = 0; i < 3; i++) await health().check();
    await watcher.waitFor((events) => events.length === 7);
    const latestReport = watcher.events[6];
    const behind = await sse('/v1/health/events', { 'Last-Event-ID': seen });
    await behind.waitFor((events) => events.length === 3);
    expect(behind.events).toEqual([resumed.events[1], resumed.events[2], latestReport]);

    // Transitions since dropped for room (4 kept), another process's id, or garbage: the latest
    // report instead, as a new client gets.
    state.status = HealthStatus.HEALTHY;
    await health().check(); // report + 2 transitions
    state.status = HealthStatus.DEGRADED;
    await health().check(); // report + 2 transitions: the first two transitions are dropped
    await watcher.waitFor((events) => events.length === 13);
    const lastReport = watcher.events[10];
    expect(lastReport.event).toBe('report');
    for (const id of [seen, `00000000-1`, 'garbage']) {
      const client = await sse('/v1/health/events', { 'Last-Event-ID': id });
      await client.waitFor((events) => events.length === 1);
      expect(client.events[0]).toEqual(lastReport);
    }
  });

  it('sends at most one plain report per reportIntervalMs, the latest, and a change at once', async () => {
    const { state, check } = flipper();
    const clock = new ManualClock();
    await boot({ checks: [check], events: { reportIntervalMs: 1000 }, clock });
    const client = await sse();
    await client.waitFor(() => reports(client).length === 1);
    // The bootstrap report was sent at once: the next one may be sent at once a second later.
    clock.advance(1100);
    const first = await health().check();
    await client.waitFor(() => reports(client).length === 2);
    // Within the interval: held back, the latest sent by a timer when the interval is up.
    const held: number[] = [];
    jest.useFakeTimers({ doNotFake: EXCEPT_TIMEOUTS });
    const tick = (ms: number) => (clock.advance(ms), jest.advanceTimersByTime(ms));
    try {
      for (let i = 0; i < 4; i++) {
        tick(100);
        held.push((await health().check()).timestamp);
      }
      expect(new Set([first.timestamp, ...held]).size).toBe(5);
      tick(600); // a second after the last report sent
    } finally {
      jest.useRealTimers();
    }
    await client.waitFor(() => reports(client).length === 3);
    expect(
      reports(client)
        .slice(1)
        .map((r) => r.timestamp),
    ).toEqual([first.timestamp, held[3]]);

    state.status = HealthStatus.UNHEALTHY;
    const changed = await health().check();
    await client.waitFor(() => reports(client).length === 4);
    expect(reports(client)[3].timestamp).toBe(changed.timestamp);
    expect(transitions(client)).toHaveLength(2);
  });

  it('starts a client that connects while a report is held back from that newest report', async () => {
    const { check } = flipper();
    await boot({ checks: [check], events: { reportIntervalMs: 60_000 } });
    const early = await sse();
    await early.waitFor(() => reports(early).length === 1);
    // Held back by the interval: no transition, and the last report went out just now.
    const newest = await health().check();
    const late = await sse();
    await late.waitFor(() => reports(late).length === 1);
    expect(reports(late)[0].timestamp).toBe(newest.timestamp);
    // The one already connected gets it too, once.
    await early.waitFor(() => reports(early).length === 2);
    expect(reports(early)[1].timestamp).toBe(newest.timestamp);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(reports(late)).toHaveLength(1);
  });

  it('takes no transition from reports before startup has settled', async () => {
    const { state, check } = flipper();
    let settled = false;
    const slow = {
      name: 'slow',
      check: () => ({ status: HealthStatus.HEALTHY }),
      settled: () => settled,
    };
    await boot({
      checks: [check, slow],
      startupGraceMs: 60_000,
      events: { reportIntervalMs: 0 },
    });
    const client = await sse();
    state.status = HealthStatus.DEGRADED;
    await health().check();
    settled = true;
    await health().check(); // the baseline (or the engine's own evaluation once settled)
    state.status = HealthStatus.HEALTHY;
    await health().check();
    await client.waitFor(() => transitions(client).length >= 2);
    expect(transitions(client)).toEqual([
      expect.objectContaining({ component: 'flip', from: 'degraded', to: 'healthy' }),
      expect.objectContaining({ component: null, from: 'degraded', to: 'healthy' }),
    ]);
  });

  it('refuses clients past maxClients with 503, Retry-After and a reason', async () => {
    await boot({ checks: [flipper().check], events: { maxClients: 2 } });
    await sse();
    await sse();
    const third = await sse();
    expect(third.status).toBe(503);
    expect(third.headers['retry-after']).toBe('5');
    await third.closed;
    expect(third.text).toBe('too many event-stream clients (limit 2): retry later\n');
    expect(stream().clientCount).toBe(2);
    // A place is free again once a client leaves.
    clients[0].close();
    await eventually(() => stream().clientCount === 1, POLL);
    expect((await sse()).status).toBe(200);
  });

  it('refuses a client past maxClientsPerAddress with 429, Retry-After and a reason; other addresses still connect', async () => {
    // Listening on every address: 127.0.0.2 is another client on the same machine.
    await boot(
      { checks: [flipper().check], events: { maxClientsPerAddress: 2 } },
      undefined,
      true,
      '0.0.0.0',
    );
    const port = new URL(base).port;
    const from = (localAddress: string, headers: Record<string, string> = {}) =>
      SseClient.connect(`http://127.0.0.1:${port}/v1/health/events`, headers, {
        localAddress,
      }).then((client) => (clients.push(client), client));
    expect((await from('127.0.0.1')).status).toBe(200);
    expect((await from('127.0.0.1')).status).toBe(200);
    // A forwarded-for header is the client's own word: it changes nothing.
    const third = await from('127.0.0.1', { 'X-Forwarded-For': '203.0.113.9' });
    expect(third.status).toBe(429);
    expect(third.headers['retry-after']).toBe('5');
    await third.closed;
    expect(third.text).toBe(
      'too many event-stream clients from one address (limit 2 per address): retry later\n',
    );
    const other = await from('127.0.0.2');
    expect(other.status).toBe(200);
    await other.waitFor((events) => events.length === 1);
    expect(stream().clientCount).toBe(3);
    // The place is free again once one of that address's clients leaves.
    clients[0].close();
    await eventually(() => stream().clientCount === 2, POLL);
    expect((await from('127.0.0.1')).status).toBe(200);
    expect((await from('127.0.0.1')).status).toBe(429);
    expect(stream().addressCount).toBe(2);
    // An address is forgotten with its last stream: what is kept is bounded by the clients.
    for (const client of clients) client.close();
    await eventually(() => stream().clientCount === 0, POLL);
    expect(stream().addressCount).toBe(0);
  });

  it('holds the per-address limit for clients that connect at once, while the details hook decides', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let asked = 0;
    await boot({
      checks: [flipper().check],
      authorizeDetails: async () => {
        asked++;
        await gate;
        return false;
      },
      events: { maxClientsPerAddress: 1 },
    });
    const both = Promise.all([sse(), sse()]);
    // Both have passed the first look at the limit, and wait for the hook.
    await eventually(() => asked === 2, POLL);
    release();
    const statuses = (await both).map((client) => client.status).sort();
    expect(statuses).toEqual([200, 429]);
    expect(stream().clientCount).toBe(1);
  });

  it('counts an IPv4-mapped address as its IPv4 address, and an IPv6 address by its /64', async () => {
    await boot({ checks: [flipper().check], events: { maxClientsPerAddress: 2 } });
    // The socket's address, played by a header of this test server only.
    const server = createServer((req, res) => {
      const remoteAddress = req.headers['x-test-remote'] as string;
      void stream().connect({ headers: req.headers, url: req.url, socket: { remoteAddress } }, res);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const as = async (remote: string) => {
        const client = await SseClient.connect(`http://127.0.0.1:${port}/`, {
          'X-Test-Remote': remote,
        });
        clients.push(client);
        return client.status;
      };
      expect(await as('::ffff:10.0.0.1')).toBe(200);
      expect(await as('10.0.0.1')).toBe(200);
      expect(await as('::FFFF:10.0.0.1')).toBe(429);
      expect(await as('10.0.0.2')).toBe(200);
      expect(await as('2001:db8::1')).toBe(200);
      expect(await as('2001:db8:0:0:ffff::2')).toBe(200);
      expect(await as('2001:db8::3%eth0')).toBe(429);
      expect(await as('2001:db8:0:1::1')).toBe(200);
    } finally {
      for (const client of clients.splice(0)) client.close();
      server.close();
    }
  });

  it('frees the place of a client dropped for not reading once, not twice', async () => {
    const { state, check } = flipper();
    await boot({
      checks: [check],
      details: 'always',
      events: { reportIntervalMs: 0, maxBufferedBytes: 32_768, replay: 0, maxClientsPerAddress: 2 },
    });
    const port = Number(new URL(base).port);
    const stalled = await stalledClient(port, '/v1/health/events');
    stalled.on('data', () => undefined);
    const reader = await sse();
    await eventually(() => stream().clientCount === 2, POLL);
    expect((await sse()).status).toBe(429);
    state.metadata = { blob: 'x'.repeat(8000) };
    for (let sent = 0; stream().dropped === 0 && sent < 5000; sent++) {
      await health().check();
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    expect(stream().dropped).toBe(1);
    stalled.destroy();
    await once(stalled, 'close');
    // One place of this address is free (the dropped one), and only one.
    expect((await sse()).status).toBe(200);
    expect((await sse()).status).toBe(429);
    expect(reader.ended).toBe(false);
  });

  it('drops a client that stops reading, and keeps serving the others', async () => {
    const { state, check } = flipper();
    await boot({
      checks: [check],
      details: 'always',
      events: { reportIntervalMs: 0, maxBufferedBytes: 32_768, replay: 0 },
    });
    const port = Number(new URL(base).port);
    const stalled = await stalledClient(port, '/v1/health/events');
    const reader = await sse();
    await eventually(() => stream().clientCount === 2, POLL);
    const closed = once(stalled, 'close');
    stalled.on('data', () => undefined);
    // 8 KB a report: the kernel's buffers fill up first (a few MB), then the process's.
    state.metadata = { blob: 'x'.repeat(8000) };
    let sent = 0;
    while (stream().dropped === 0 && sent < 5000) {
      await health().check();
      sent++;
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    expect(stream().dropped).toBe(1);
    expect(stream().clientCount).toBe(1);
    // Reading again, the stalled client finds its connection closed by the server.
    stalled.resume();
    await closed;
    // The reader got every report (and the bootstrap one first), and still has its stream.
    await reader.waitFor(() => reports(reader).length === sent + 1);
    expect(reader.ended).toBe(false);
  });

  it('writes a heartbeat comment to every client', async () => {
    await boot({ checks: [flipper().check], events: { heartbeatMs: 1000 } });
    // The stream's timers start with its first client: armed on the fake clock, fired at once.
    jest.useFakeTimers({ doNotFake: EXCEPT_INTERVALS });
    let client: SseClient;
    try {
      client = await sse();
      await client.waitFor((events) => events.length === 1);
      expect(client.comments).toEqual([]);
      jest.advanceTimersByTime(1000);
    } finally {
      jest.useRealTimers();
    }
    await eventually(() => client.comments.includes('heartbeat'), POLL);
    expect(client.events.map((e) => e.event)).toEqual(['report']);
  });

  it('ends every stream when the service drains, and refuses new ones', async () => {
    await boot({ checks: [flipper().check] });
    const client = await sse();
    await eventually(() => stream().clientCount === 1, POLL);
    health().startDraining();
    await client.closed;
    expect(stream().clientCount).toBe(0);
    const late = await sse();
    expect(late.status).toBe(503);
    await late.closed;
    expect(late.text).toBe('the service is draining: connect to another instance\n');
    expect(late.headers['retry-after']).toBe('3');
  });

  it('ends every stream on app.close(), which then completes', async () => {
    await boot({ checks: [flipper().check] });
    const client = await sse();
    await eventually(() => stream().clientCount === 1, POLL);
    await app!.close();
    app = undefined;
    await client.closed;
    expect(client.ended).toBe(true);
  });

  it('follows the global prefix and the base path, and is off with endpoints.events false', async () => {
    await boot({ checks: [flipper().check], http: { basePath: 'ops/health' } }, 'api');
    expect((await sse('/api/ops/health/events')).status).toBe(200);
    await app!.close();
    await boot({ checks: [flipper().check], http: { endpoints: { events: false } } });
    expect((await sse()).status).toBe(404);
    expect(() => app!.get(HealthEventStream)).toThrow();
  });

  it('writes on the raw response of a Fastify-style reply, which it hijacks', async () => {
    await boot({ checks: [flipper().check] });
    await health().check();
    const hijack = jest.fn();
    const server = createServer((req, res) => void stream().connect(req, { raw: res, hijack }));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const client = await SseClient.connect(`http://127.0.0.1:${port}/`);
      clients.push(client);
      await client.waitFor((events) => events.length === 1);
      expect(hijack).toHaveBeenCalledTimes(1);
      expect(client.events[0].event).toBe('report');
    } finally {
      for (const client of clients.splice(0)) client.close();
      server.close();
    }
  });
});
