import type { AddressInfo, Server } from 'node:net';
import { Socket, connect, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { HealthService } from '../../core/health.service';
import { HealthStatus } from '../../core/health-status';
import type { DatabaseIndicator } from './database.indicator';
import type { PostgresPing } from './postgres.ping';
import { POSTGRES_PING_DEFAULTS } from './postgres.ping';
import { createPostgresIndicator, postgresPing } from '../../postgres';
import { eventually } from '../../../../../test/support/eventually';
import { testDatabase } from '../../../../../test/support/postgres';

/** Connections are counted as they open and close: asked every 10 ms, for up to 3 s. */
const POLL = { timeoutMs: 3000, intervalMs: 10 };

/** The real PostgreSQL: TEST_DATABASE_URL, or the cluster Jest's global setup started. */
const { url: PG_URL, ...PG } = testDatabase();
const PASSWORD = 's3cr3t-pw';

describe('postgresPing (real PostgreSQL)', () => {
  let pinger: PostgresPing | undefined;
  let fixture: TcpFixture | undefined;
  const make = (...args: Parameters<typeof postgresPing>) => (pinger = postgresPing(...args));
  const signal = () => new AbortController().signal;

  afterEach(async () => {
    await pinger?.close();
    await fixture?.close();
    pinger = fixture = undefined;
  });

  it('answers SELECT 1 and reuses its one connection', async () => {
    fixture = await freezableProxy();
    const { ping } = make({ ...PG, port: fixture.port, password: PG.password ?? PASSWORD });
    await expect(ping(signal())).resolves.toBeUndefined();
    await expect(ping(signal())).resolves.toBeUndefined();
    expect(fixture.accepted).toBe(1);
  });

  it('uses a socket factory given in the config, or a plain socket when it returns none', async () => {
    const made: string[] = [];
    const stream = () => {
      made.push('socket');
      return made.length === 1 ? new Socket() : undefined;
    };
    const { ping } = make({ ...PG, stream } as never, { idleTimeoutMs: 1 });
    await ping(signal());
    await sleep(20);
    await ping(signal());
    expect(made).toEqual(['socket', 'socket']);
  });

  it('rejects at once on a closed port, saying so', async () => {
    const port = await closedPort();
    const { ping } = make(`postgres://postgres@127.0.0.1:${port}/test`);
    await expect(ping(signal())).rejects.toThrow(`connect ECONNREFUSED 127.0.0.1:${port}`);
  });

  it('on abort while connecting to a black hole, rejects with the reason and closes the socket', async () => {
    fixture = await blackHole();
    const { ping } = make({ ...PG, port: fixture.port }, { connectionTimeoutMs: 60_000 });
    const controller = new AbortController();
    const pending = ping(controller.signal);
    await eventually(() => fixture?.open === 1, POLL);
    controller.abort(new Error('stop now'));
    await expect(pending).rejects.toThrow('stop now');
    await eventually(() => fixture?.open === 0, POLL);
  });

  it('on abort while a query hangs, destroys the connection and reconnects next time', async () => {
    const proxy = (fixture = await freezableProxy());
    const { ping } = make({ ...PG, port: proxy.port }, { queryTimeoutMs: 60_000 });
    await ping(signal());
    proxy.freeze(true);
    const controller = new AbortController();
    const pending = ping(controller.signal);
    await sleep(50);
    controller.abort(new Error('too slow'));
    await expect(pending).rejects.toThrow('too slow');
    await eventually(() => proxy.open === 0, POLL);
    proxy.freeze(false);
    await expect(ping(signal())).resolves.toBeUndefined();
    expect(proxy.accepted).toBe(2);
  });

  it('survives the server dropping its idle connection, and reconnects', async () => {
    const proxy = (fixture = await freezableProxy());
    const { ping } = make({ ...PG, port: proxy.port });
    await ping(signal());
    proxy.drop();
    await eventually(() => proxy.open === 0, POLL);
    await sleep(20);
    await expect(ping(signal())).resolves.toBeUndefined();
    expect(proxy.accepted).toBe(2);
  });

  it('bounds a hung query by queryTimeoutMs even when nobody aborts', async () => {
    const proxy = (fixture = await freezableProxy());
    const { ping } = make({ ...PG, port: proxy.port }, { queryTimeoutMs: 100 });
    await ping(signal());
    proxy.freeze(true);
    await expect(ping(signal())).rejects.toThrow('Query read timeout');
    await eventually(() => proxy.open === 0, POLL);
  });

  it('bounds a black hole by connectionTimeoutMs even when nobody aborts', async () => {
    fixture = await blackHole();
    const { ping } = make({ ...PG, port: fixture.port }, { connectionTimeoutMs: 100 });
    await expect(ping(signal())).rejects.toThrow(/timeout/);
    await eventually(() => fixture?.open === 0, POLL);
  });

  it('does not connect when the signal is already aborted', async () => {
    fixture = await blackHole();
    const { ping } = make({ ...PG, port: fixture.port });
    const controller = new AbortController();
    controller.abort(new Error('already gone'));
    await expect(ping(controller.signal)).rejects.toThrow('already gone');
    expect(fixture.accepted).toBe(0);
  });

  it('close() cuts off a ping in flight, is idempotent, and later pings fail clearly', async () => {
    fixture = await blackHole();
    const { ping, close } = make({ ...PG, port: fixture.port }, { connectionTimeoutMs: 60_000 });
    const pending = ping(signal());
    await eventually(() => fixture?.open === 1, POLL);
    const closing = close();
    expect(close()).toBe(closing);
    await closing;
    await expect(pending).rejects.toThrow(/Connection terminated/);
    await eventually(() => fixture?.open === 0, POLL);
    await expect(ping(signal())).rejects.toThrow('Cannot use a pool after calling end');
  });

  it('masks the password in driver errors, inside a URL or on its own', async () => {
    const url = `postgres://postgres:${PASSWORD}@127.0.0.1:1/test`;
    const stream = () => failingSocket(`tunnel refused ${url} (password ${PASSWORD})`);
    const { ping } = make({ connectionString: url, stream } as never);
    const error = await rejection(ping(signal()));
    expect(error.message).toBe(
      'tunnel refused postgres://postgres:***@127.0.0.1:1/test (password ***)',
    );
  });

  it('refuses an unparsable connection string at once, without quoting it', () => {
    const url = `postgres://postgres:${PASSWORD}@127.0.0.1:99999/test`;
    const error = captureThrow(() => postgresPing(url));
    expect(error.message).toBe('Invalid PostgreSQL connection settings: Invalid URL');
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain(PASSWORD);
  });

  it('validates its options, naming the bad one', () => {
    expect(POSTGRES_PING_DEFAULTS).toEqual({
      connectionTimeoutMs: 5000,
      queryTimeoutMs: 5000,
      idleTimeoutMs: 30_000,
    });
    expect(() => postgresPing(PG_URL, { queryTimeoutMs: 0 })).toThrow(
      /postgresPing\.queryTimeoutMs: 0 \(expected a number of ms > 0\)/,
    );
    expect(() => postgresPing(PG_URL, { idleTimeoutMs: Number.NaN })).toThrow(
      /postgresPing\.idleTimeoutMs: NaN/,
    );
    expect(() => postgresPing(PG_URL, null as never)).toThrow(/postgresPing options: null/);
  });
});

describe('createPostgresIndicator through HealthService (real PostgreSQL)', () => {
  let service: HealthService | undefined;
  let indicator: DatabaseIndicator | undefined;
  let fixture: TcpFixture | undefined;
  const serve = (made: DatabaseIndicator, defaultTimeoutMs = 2000) => {
    indicator = made;
    service = new HealthService({ checks: [made], defaultTimeoutMs });
    return service;
  };

  afterEach(async () => {
    service?.onModuleDestroy();
    await indicator?.onModuleDestroy();
    await fixture?.close();
    service = indicator = fixture = undefined;
  });

  it('reports a running server HEALTHY with driver and ping time', async () => {
    const status = await serve(createPostgresIndicator(PG_URL)).checkComponent('database');
    expect(status).toMatchObject({
      name: 'database',
      status: HealthStatus.HEALTHY,
      message: 'PostgreSQL reachable',
      metadata: { driver: 'postgres', ping_ms: expect.any(Number) },
    });
    expect(status.metadata.ping_ms).toBeGreaterThanOrEqual(0);
  });

  it('takes a component name', async () => {
    const status = await serve(
      createPostgresIndicator(PG_URL, { name: 'primary_db' }),
    ).checkComponent('primary_db');
    expect(status.status).toBe(HealthStatus.HEALTHY);
  });

  it('reports a closed port UNHEALTHY before the timeout, after the engine retried', async () => {
    const port = await closedPort();
    const url = `postgres://postgres@127.0.0.1:${port}/test`;
    const status = await serve(createPostgresIndicator(url)).checkComponent('database');
    expect(status).toMatchObject({
      status: HealthStatus.UNHEALTHY,
      message: `database check failed: PostgreSQL unreachable: connect ECONNREFUSED 127.0.0.1:${port}`,
      metadata: { attempts: 2 },
    });
  });

  it('reports a black hole DEGRADED on timeout and leaves no socket open, check after check', async () => {
    fixture = await blackHole();
    const hole = fixture;
    const made = createPostgresIndicator(
      { ...PG, port: hole.port },
      { connectionTimeoutMs: 60_000, queryTimeoutMs: 60_000 },
    );
    const health = serve(made, 300);
    for (let round = 1; round <= 3; round++) {
      const status = await health.checkComponent('database');
      expect(status).toMatchObject({
        status: HealthStatus.DEGRADED,
        message: 'database timed out after 300 ms',
      });
      await eventually(() => hole.open === 0, POLL);
      expect(hole.accepted).toBe(round);
    }
  });

  it('never shows the password of the URL, in the message, metadata or thrown error', async () => {
    const port = await closedPort();
    const url = `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/test`;
    const made = createPostgresIndicator(url);
    const status = await serve(made).checkComponent('database');
    expect(status.status).toBe(HealthStatus.UNHEALTHY);
    expect(JSON.stringify(status)).not.toContain(PASSWORD);
    const error = await rejection(made.check(new AbortController().signal));
    expect(error.message).toBe(`PostgreSQL unreachable: connect ECONNREFUSED 127.0.0.1:${port}`);
  });

  it('ends its pool on module destroy', async () => {
    const made = serve(createPostgresIndicator(PG_URL)) && (indicator as DatabaseIndicator);
    await made.onModuleDestroy();
    await expect(made.check(new AbortController().signal)).rejects.toThrow(
      'PostgreSQL unreachable: Cannot use a pool after calling end on the pool',
    );
  });
});

interface TcpFixture {
  readonly port: number;
  /** Connections the server side still holds open. */
  readonly open: number;
  readonly accepted: number;
  /** Closes every connection from the server side, as a restarting server would. */
  drop(): void;
  close(): Promise<void>;
}

interface Proxy extends TcpFixture {
  /** While frozen, bytes are swallowed both ways: the server seems to hang. */
  freeze(on: boolean): void;
}

/** Accepts TCP connections, reads and discards, never answers. */
function blackHole(): Promise<TcpFixture> {
  // Reading is what lets the server see the peer's FIN and close its side.
  return serveTcp((socket) => socket.resume());
}

/** Forwards to the real PostgreSQL until frozen. */
async function freezableProxy(): Promise<Proxy> {
  let frozen = false;
  const fixture = await serveTcp((client) => {
    const upstream = connect(PG.port, PG.host);
    upstream.on('error', () => undefined);
    client.on('data', (bytes) => frozen || upstream.write(bytes));
    upstream.on('data', (bytes) => frozen || client.write(bytes));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  return Object.assign(fixture, { freeze: (on: boolean) => void (frozen = on) });
}

async function serveTcp(onConnection: (socket: Socket) => void): Promise<TcpFixture> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    onConnection(socket);
  });
  const port = await listen(server);
  return {
    port,
    get open() {
      return sockets.size;
    },
    get accepted() {
      return accepted;
    },
    drop: () => sockets.forEach((socket) => socket.destroy()),
    close: () => {
      sockets.forEach((socket) => socket.destroy());
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port nothing listens on: bound by the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/** A socket whose connect fails with this message, as a tunnel or proxy library might. */
function failingSocket(message: string): Socket {
  const socket = new Socket();
  socket.connect = (() => {
    process.nextTick(() => socket.destroy(new Error(message)));
    return socket;
  }) as Socket['connect'];
  return socket;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as Error,
  );
}

function captureThrow(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}
