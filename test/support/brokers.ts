import { once } from 'node:events';
import { chmodSync, writeFileSync } from 'node:fs';
import type { AddressInfo, Server, Socket } from 'node:net';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import { oneLineError } from './binaries';
import { accepts, LocalProcess } from './local-process';
import { startPrivateMariadb, startPrivateRabbitmq } from './private-servers';
import { freePort } from './redis-server';

/**
 * The servers the MySQL and broker indicators are tested against: a `TEST_*_URL` variable when
 * set, else the server the machine runs (as CI's does, before the session). The fault tests
 * never touch these: they use a black hole, a proxy of their own, or a server they start.
 */
export const TEST_SERVERS = {
  mysql: {
    variable: 'TEST_MYSQL_URL',
    url: 'mysql://root@127.0.0.1:3306/test',
    install: 'mariadb-server',
  },
  amqp: {
    variable: 'TEST_AMQP_URL',
    url: 'amqp://guest:guest@127.0.0.1:5672',
    install: 'rabbitmq-server',
  },
  nats: { variable: 'TEST_NATS_URL', url: 'nats://127.0.0.1:4222', install: 'nats-server' },
  mqtt: { variable: 'TEST_MQTT_URL', url: 'mqtt://127.0.0.1:1883', install: 'mosquitto' },
} as const;

export type TestServerKind = keyof typeof TEST_SERVERS;

/** The URL of the server the tests use for `kind`. */
export function testServerUrl(kind: TestServerKind, env = process.env): string {
  const { variable, url } = TEST_SERVERS[kind];
  return env[variable] || url;
}

/**
 * `url` pointed at another port on 127.0.0.1 (a proxy, a black hole), with `password` when given
 * (under the URL's user, or `app` when it names none).
 */
export function urlOnPort(url: string, port: number, password?: string): string {
  const moved = new URL(url);
  moved.hostname = '127.0.0.1';
  moved.port = String(port);
  if (password !== undefined)
    [moved.username, moved.password] = [moved.username || 'app', password];
  return moved.toString();
}

/** Its host and port, for a proxy in front of it. */
export function hostPort(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  const defaults: Record<string, number> = { 'mysql:': 3306, 'amqp:': 5672, 'nats:': 4222 };
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : (defaults[parsed.protocol] ?? 1883),
  };
}

/** Throws one line saying what to start or install when the server for `kind` does not answer. */
export async function assertServerListens(kind: TestServerKind): Promise<void> {
  const url = testServerUrl(kind);
  if (!(await listening(url))) throw oneLineError(notAnswering(kind, url));
}

/** The server a spec uses, and how to stop it if the spec started it. */
export interface ProvidedServer {
  readonly url: string;
  /** Whether the spec started it (a broker of its own) rather than finding it. */
  readonly own: boolean;
  stop(): Promise<void>;
}

/**
 * The server for `kind`: the `TEST_*_URL` one when set, else the machine's, when it accepts a
 * connection. Without either, NATS and MQTT get a broker of the spec's own (`nats-server`,
 * `mosquitto`, which the global setup installs), MySQL and RabbitMQ a MariaDB or RabbitMQ of
 * its own (test/support/private-servers.ts; in a Jest run the global setup has usually started
 * them already and set their `TEST_*_URL`). A given `TEST_*_URL` that does not answer, or a
 * server that cannot start, ends here with one line saying what to install.
 */
export async function provideServer(
  kind: TestServerKind,
  env: NodeJS.ProcessEnv = process.env,
  machineUrl: string = TEST_SERVERS[kind].url,
): Promise<ProvidedServer> {
  const given = env[TEST_SERVERS[kind].variable];
  const url = given || machineUrl;
  const found = { url, own: false, stop: async () => undefined };
  if (await listening(url)) return found;
  if (given) throw oneLineError(notAnswering(kind, url));
  if (kind === 'mysql' || kind === 'amqp') {
    const start = kind === 'mysql' ? startPrivateMariadb : startPrivateRabbitmq;
    const server = await start().catch((error: Error) => {
      throw oneLineError(
        `${notAnswering(kind, url)} (one of its own did not start: ${error.message})`,
      );
    });
    return { url: server.url, own: true, stop: () => server.stop() };
  }
  const broker = await PrivateBroker.start(kind);
  return { url: broker.url, own: true, stop: () => broker.stop() };
}

/** Whether something accepts a TCP connection at `url`'s host and port. */
export function listening(url: string, timeoutMs = 2000): Promise<boolean> {
  const { host, port } = hostPort(url);
  return accepts(port, host, timeoutMs);
}

function notAnswering(kind: TestServerKind, url: string): string {
  const { variable, install } = TEST_SERVERS[kind];
  return (
    `No server answers at ${url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@')}: start one ` +
    `(Debian/Ubuntu: \`sudo apt-get install -y ${install}\`) or set ${variable} to one`
  );
}

/** A TCP fixture that counts what it accepts and what is still open, on the server side. */
export interface TcpFixture {
  readonly port: number;
  readonly open: number;
  readonly accepted: number;
  /** Closes every connection from the server side, as a restarting server would. */
  drop(): void;
  close(): Promise<void>;
}

/** Forwards to `target` until frozen; while frozen, bytes are swallowed both ways. */
export interface Proxy extends TcpFixture {
  freeze(on: boolean): void;
}

export async function freezableProxy(target: { host: string; port: number }): Promise<Proxy> {
  let frozen = false;
  const fixture = await serveTcp((client) => {
    const upstream = createConnection(target.port, target.host);
    upstream.on('error', () => undefined);
    client.on('data', (bytes) => frozen || upstream.write(bytes));
    upstream.on('data', (bytes) => frozen || client.write(bytes));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  return Object.assign(fixture, { freeze: (on: boolean) => void (frozen = on) });
}

/** Accepts TCP connections, reads and discards, never answers. */
export function readingBlackHole(): Promise<TcpFixture> {
  return serveTcp((socket) => socket.resume());
}

export async function serveTcp(onConnection: (socket: Socket) => void): Promise<TcpFixture> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server: Server = createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    onConnection(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
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
export function closedPort(): Promise<number> {
  return freePort();
}

/**
 * A broker process of the test's own (`nats-server` or `mosquitto`) on a free port, to kill,
 * stop and restart. Never the machine's.
 */
export class PrivateBroker extends LocalProcess {
  private constructor(
    readonly kind: 'nats' | 'mqtt',
    readonly port: number,
    private readonly extra: readonly string[],
  ) {
    super('broker-test-');
  }

  /**
   * `nats`: `nats-server`, with `--user`/`--pass` when `auth` is given. `mqtt`: `mosquitto`;
   * with `auth`, anonymous clients are refused and no user is known (every login fails).
   */
  static async start(
    kind: 'nats' | 'mqtt',
    auth?: { user: string; pass: string },
  ): Promise<PrivateBroker> {
    const extra = kind === 'nats' && auth ? ['--user', auth.user, '--pass', auth.pass] : [];
    const broker = new PrivateBroker(kind, await freePort(), extra);
    if (kind === 'mqtt') {
      // Started as root, mosquitto drops to its own user, which must read its configuration.
      chmodSync(broker.dir, 0o755);
      const lines = [
        `listener ${broker.port} 127.0.0.1`,
        `allow_anonymous ${auth ? 'false' : 'true'}`,
      ];
      if (auth) {
        writeFileSync(join(broker.dir, 'passwd'), '');
        lines.push(`password_file ${join(broker.dir, 'passwd')}`);
      }
      writeFileSync(join(broker.dir, 'mosquitto.conf'), `${lines.join('\n')}\n`);
    }
    await broker.restart();
    return broker;
  }

  get url(): string {
    return `${this.kind}://127.0.0.1:${this.port}`;
  }

  /** Starts (again) on the same port and waits until it accepts connections. */
  async restart(): Promise<void> {
    const program = this.kind === 'nats' ? 'nats-server' : 'mosquitto';
    const args =
      this.kind === 'nats'
        ? ['-a', '127.0.0.1', '-p', String(this.port), ...this.extra]
        : ['-c', join(this.dir, 'mosquitto.conf')];
    await this.launch(
      program,
      program,
      args,
      () => accepts(this.port),
      `${program} to listen on port ${this.port}`,
    );
  }
}

/** The rejection of `promise`, or a failure when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as Error,
  );
}
