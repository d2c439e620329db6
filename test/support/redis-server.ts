import { once } from 'node:events';
import { createConnection, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { LocalProcess } from './local-process';

/** A free TCP port on loopback (bound then released). */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * A redis-server of the test's own on a free port, for real faults: kill it, SIGSTOP it,
 * SIGCONT it, restart it. Never the machine's shared Redis.
 */
export class PrivateRedis extends LocalProcess {
  private constructor(
    readonly port: number,
    private readonly password?: string,
  ) {
    super('redis-test-');
  }

  static async start(options: { password?: string } = {}): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort(), options.password);
    await redis.restart();
    return redis;
  }

  get url(): string {
    const auth = this.password ? `default:${encodeURIComponent(this.password)}@` : '';
    return `redis://${auth}127.0.0.1:${this.port}`;
  }

  /** Starts (again) on the same port and waits until it answers PING. */
  async restart(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', ''];
    args.push('--appendonly', 'no', '--dir', this.dir);
    if (this.password) args.push('--requirepass', this.password);
    await this.launch(
      'redis-server',
      'redis-server',
      args,
      () => this.answersPing(),
      `redis-server to answer on port ${this.port}`,
    );
  }

  private answersPing(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = createConnection({ port: this.port, host: '127.0.0.1' });
      const done = (ok: boolean) => {
        socket.destroy();
        resolve(ok);
      };
      socket.setTimeout(500, () => done(false));
      socket.on('error', () => done(false));
      socket.on('data', (data) => done(/^(\+PONG|-NOAUTH)/.test(data.toString())));
      socket.write('PING\r\n');
    });
  }
}
