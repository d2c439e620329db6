import { setTimeout as sleep } from 'node:timers/promises';
import { HealthService } from '../../libs/health/src/core/health.service';
import { HealthStatus } from '../../libs/health/src/core/health-status';
import type { DatabaseIndicator } from '../../libs/health/src/indicators/database/database.indicator';
import type {
  ConnectionPingOptions,
  DriverPing,
} from '../../libs/health/src/indicators/database/lazy-connection';
import type { TcpFixture } from './brokers';
import { closedPort, freezableProxy, PrivateBroker, readingBlackHole, rejection } from './brokers';
import { eventually } from './eventually';

/** Connections are counted as they open and close: asked every 10 ms, for up to 3 s. */
const POLL = { timeoutMs: 3000, intervalMs: 10 };

/** What the contract needs of one driver's ping and indicator. */
export interface PingContract {
  /** `RabbitMQ`, as in the messages. */
  label: string;
  /** The indicator's default component name. */
  component: string;
  /** TCP connections one successful opening makes (NATS reads the INFO line on one first). */
  connectionsPerOpen?: number;
  /**
   * How long the client may keep its sockets after it was told to close on a server that stopped
   * answering (MongoDB's driver: about three times its connect timeout). Default 3000 ms.
   */
  socketsCloseWithinMs?: number;
  /** The real server: the proxy in front of it forwards here. */
  target: { host: string; port: number };
  /** A ping of the server on 127.0.0.1:`port`, with working credentials (if any). */
  ping(port: number, options?: ConnectionPingOptions): DriverPing;
  /**
   * An indicator of the server on 127.0.0.1:`port`, with working credentials, or with `password`
   * in its URL (or options) when given.
   */
  indicator(port: number, password?: string, options?: ConnectionPingOptions): DatabaseIndicator;
}

const PASSWORD = 'c0ntract-pw';

/**
 * The behaviour every connection ping shares (connectionPing), run against one driver and a
 * real server: reuse, refusal, black hole, hang, drop, backstops, idle close, close(), and
 * through HealthService HEALTHY / UNHEALTHY / DEGRADED without leaving a socket open.
 */
export function describePingContract(contract: PingContract): void {
  const signal = () => new AbortController().signal;
  const perOpen = contract.connectionsPerOpen ?? 1;
  /** For sockets to a server that stopped answering: the client's own linger, if it has one. */
  const FROZEN = { ...POLL, timeoutMs: contract.socketsCloseWithinMs ?? POLL.timeoutMs };

  describe(`${contract.label} ping (real server)`, () => {
    let pinger: DriverPing | undefined;
    let fixture: TcpFixture | undefined;
    const make = (port: number, options?: ConnectionPingOptions) =>
      (pinger = contract.ping(port, options));

    afterEach(async () => {
      await pinger?.close();
      await fixture?.close();
      pinger = fixture = undefined;
    });

    it('answers and reuses its one connection', async () => {
      const proxy = (fixture = await freezableProxy(contract.target));
      const { ping } = make(proxy.port);
      await expect(ping(signal())).resolves.toBeUndefined();
      await expect(ping(signal())).resolves.toBeUndefined();
      await expect(ping(signal())).resolves.toBeUndefined();
      expect(proxy.accepted).toBe(perOpen);
    });

    it('rejects at once on a closed port, saying so', async () => {
      const port = await closedPort();
      // MongoDB's driver reports a refusal when server selection gives up: keep that short.
      const { ping } = make(port, { connectTimeoutMs: 1000 });
      await expect(ping(signal())).rejects.toThrow(`ECONNREFUSED 127.0.0.1:${port}`);
    });

    it('on abort while connecting to a black hole, rejects with the reason and closes the socket', async () => {
      const hole = (fixture = await readingBlackHole());
      const { ping } = make(hole.port, { connectTimeoutMs: 60_000 });
      const controller = new AbortController();
      const pending = ping(controller.signal);
      await eventually(() => hole.open === 1, POLL);
      controller.abort(new Error('stop now'));
      await expect(pending).rejects.toThrow('stop now');
      await eventually(() => hole.open === 0, POLL);
    });

    it('on abort while a ping hangs, destroys the connection and reconnects next time', async () => {
      const proxy = (fixture = await freezableProxy(contract.target));
      const { ping } = make(proxy.port, { pingTimeoutMs: 60_000 });
      await ping(signal());
      proxy.freeze(true);
      const controller = new AbortController();
      const pending = ping(controller.signal);
      await sleep(50);
      controller.abort(new Error('too slow'));
      await expect(pending).rejects.toThrow('too slow');
      await eventually(() => proxy.open === 0, FROZEN);
      proxy.freeze(false);
      await expect(ping(signal())).resolves.toBeUndefined();
      expect(proxy.accepted).toBeGreaterThanOrEqual(2 * perOpen);
    });

    it('survives the server dropping its connection, and reconnects', async () => {
      const proxy = (fixture = await freezableProxy(contract.target));
      const { ping } = make(proxy.port);
      await ping(signal());
      proxy.drop();
      await eventually(() => proxy.open === 0, POLL);
      await sleep(50);
      await expect(ping(signal())).resolves.toBeUndefined();
      expect(proxy.accepted).toBeGreaterThan(perOpen);
    });

    it('bounds a hung ping by pingTimeoutMs even when nobody aborts', async () => {
      const proxy = (fixture = await freezableProxy(contract.target));
      const { ping } = make(proxy.port, { pingTimeoutMs: 300 });
      await ping(signal());
      proxy.freeze(true);
      await expect(ping(signal())).rejects.toThrow('ping timed out after 300 ms');
      await eventually(() => proxy.open === 0, FROZEN);
    });

    it('bounds a black hole by connectTimeoutMs even when nobody aborts', async () => {
      const hole = (fixture = await readingBlackHole());
      const { ping } = make(hole.port, { connectTimeoutMs: 150 });
      await expect(ping(signal())).rejects.toThrow(
        /timed out after 150 ms|TIMEDOUT|connack timeout/i,
      );
      await eventually(() => hole.open === 0, POLL);
    });

    it('closes its connection after idleTimeoutMs, and opens a new one for the next ping', async () => {
      const proxy = (fixture = await freezableProxy(contract.target));
      const { ping } = make(proxy.port, { idleTimeoutMs: 50 });
      await ping(signal());
      await eventually(() => proxy.open === 0, POLL);
      await expect(ping(signal())).resolves.toBeUndefined();
      expect(proxy.accepted).toBe(2 * perOpen);
    });

    it('does not connect when the signal is already aborted', async () => {
      const hole = (fixture = await readingBlackHole());
      const { ping } = make(hole.port);
      const controller = new AbortController();
      controller.abort(new Error('already gone'));
      await expect(ping(controller.signal)).rejects.toThrow('already gone');
      expect(hole.accepted).toBe(0);
    });

    it('close() cuts off a ping in flight, is idempotent, and later pings fail clearly', async () => {
      const hole = (fixture = await readingBlackHole());
      const { ping, close } = make(hole.port, { connectTimeoutMs: 60_000 });
      const pending = ping(signal());
      await eventually(() => hole.open === 1, POLL);
      const closing = close();
      expect(close()).toBe(closing);
      await closing;
      await expect(pending).rejects.toThrow('the ping was closed');
      await eventually(() => hole.open === 0, POLL);
      await expect(ping(signal())).rejects.toThrow('the ping was closed');
    });

    it('close() ends an open connection politely', async () => {
      const proxy = (fixture = await freezableProxy(contract.target));
      const { ping, close } = make(proxy.port);
      await ping(signal());
      await close();
      await eventually(() => proxy.open === 0, POLL);
    });

    it('close() destroys an open connection the server no longer answers on', async () => {
      const proxy = (fixture = await freezableProxy(contract.target));
      const { ping, close } = make(proxy.port, { pingTimeoutMs: 300 });
      await ping(signal());
      proxy.freeze(true);
      await close();
      await eventually(() => proxy.open === 0, FROZEN);
    });
  });

  describe(`the ${contract.label} indicator through HealthService (real server)`, () => {
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
      const made = contract.indicator(contract.target.port);
      const status = await serve(made).checkComponent(contract.component);
      expect(status).toMatchObject({
        name: contract.component,
        status: HealthStatus.HEALTHY,
        message: `${contract.label} reachable`,
        metadata: { driver: made.driver, ping_ms: expect.any(Number) },
      });
    });

    it('reports a closed port UNHEALTHY after the engine retried, without the password', async () => {
      const port = await closedPort();
      const status = await serve(contract.indicator(port, PASSWORD)).checkComponent(
        contract.component,
      );
      expect(status).toMatchObject({
        status: HealthStatus.UNHEALTHY,
        message: expect.stringContaining(`${contract.label} unreachable: `),
        metadata: { attempts: 2 },
      });
      expect(status.message).toContain(`ECONNREFUSED 127.0.0.1:${port}`);
      expect(JSON.stringify(status)).not.toContain(PASSWORD);
    });

    it('reports a black hole DEGRADED on timeout and leaves no socket open, check after check', async () => {
      const hole = (fixture = await readingBlackHole());
      const made = contract.indicator(hole.port, undefined, { connectTimeoutMs: 60_000 });
      const health = serve(made, 300);
      for (let round = 1; round <= 3; round++) {
        const status = await health.checkComponent(contract.component);
        expect(status).toMatchObject({
          status: HealthStatus.DEGRADED,
          message: `${contract.component} timed out after 300 ms`,
        });
        await eventually(() => hole.open === 0, POLL);
        expect(hole.accepted).toBe(round);
      }
    });

    it('closes its connection on module destroy', async () => {
      const made = contract.indicator(contract.target.port);
      await serve(made).checkComponent(contract.component);
      await made.onModuleDestroy();
      const error = await rejection(made.check(signal()));
      expect(error.message).toBe(`${contract.label} unreachable: the ping was closed`);
    });
  });
}

/** Asks until `name` is HEALTHY (a recovering client reconnects on a later check). */
export async function healthy(health: HealthService, name: string): Promise<void> {
  await eventually(async () => (await health.checkComponent(name)).status, {
    until: (status) => status === HealthStatus.HEALTHY,
    timeoutMs: 5000,
    intervalMs: 50,
    message: `${name} to be healthy`,
  });
}

/**
 * A broker of the test's own (never the machine's), killed then restarted, and paused with
 * SIGSTOP then resumed: the indicator goes UNHEALTHY (`<word> unreachable: …`) and DEGRADED (the
 * engine's timeout), and HEALTHY again each time.
 */
export function describePrivateBrokerFaults(
  kind: 'nats' | 'mqtt',
  word: string,
  create: (url: string) => DatabaseIndicator,
): void {
  describe(`${kind}: a broker of its own killed and paused`, () => {
    let broker: PrivateBroker | undefined;
    afterEach(async () => {
      await broker?.stop();
      broker = undefined;
    });

    it('goes UNHEALTHY when the broker is killed, and HEALTHY again once it is back', async () => {
      const own = (broker = await PrivateBroker.start(kind));
      const indicator = create(own.url);
      const health = new HealthService({ checks: [indicator], defaultTimeoutMs: 1000 });
      try {
        await healthy(health, kind);
        await own.kill();
        expect(await health.checkComponent(kind)).toMatchObject({
          status: HealthStatus.UNHEALTHY,
          message: expect.stringContaining(`${word} unreachable: `),
        });
        await own.restart();
        await healthy(health, kind);
      } finally {
        health.onModuleDestroy();
        await indicator.onModuleDestroy();
      }
    });

    it('goes DEGRADED when the broker hangs (SIGSTOP), and HEALTHY once it resumes', async () => {
      const own = (broker = await PrivateBroker.start(kind));
      const indicator = create(own.url);
      const health = new HealthService({ checks: [indicator], defaultTimeoutMs: 300 });
      try {
        await healthy(health, kind);
        own.pause();
        // A check already under way may still get the answer the broker wrote before it stopped.
        const hung = await eventually(() => health.checkComponent(kind), {
          until: (status) => status.status !== HealthStatus.HEALTHY,
          timeoutMs: 5000,
          intervalMs: 50,
          message: `${kind} to stop answering`,
        });
        expect(hung).toMatchObject({
          status: HealthStatus.DEGRADED,
          message: `${kind} timed out after 300 ms`,
        });
        own.resume();
        await healthy(health, kind);
      } finally {
        health.onModuleDestroy();
        await indicator.onModuleDestroy();
      }
    });
  });
}
