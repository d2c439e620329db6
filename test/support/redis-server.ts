import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findOnPath, missingBinariesMessage } from './binaries';
import { eventually } from './eventually';

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
export class PrivateRedis {
  private process?: ChildProcess;
  private readonly dir = mkdtempSync(join(tmpdir(), 'redis-test-'));

  private constructor(
    readonly port: number,
    private readonly password?: string,
  ) {}

  static async start(options: { password?: string } = {}): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort(), options.password);
    await redis.restart();
    return redis;
  }

  get url(): string {
    const auth = this.password ? `default:${encodeURIComponent(this.password)}@` : '';
    return `redis://${auth}127.0.0.1:${this.port}`;
  }

  /**
   * Starts (again) on the same port and waits until it answers PING. A server still running is
   * killed first: two on one port would leave the first one running, unknown to `stop()`.
   */
  async restart(): Promise<void> {
    await this.kill();
    const args = [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
    ];
    args.push('--dir', this.dir);
    if (this.password) args.push('--requirepass', this.password);
    if (!findOnPath('redis-server')) {
      throw new Error(
        missingBinariesMessage([{ name: 'redis-server', aptPackage: 'redis-server' }]),
      );
    }
    this.process = spawn('redis-server', args, { stdio: 'ignore' });
    await eventually(() => this.answersPing(), {
      timeoutMs: 5000,
      intervalMs: 25,
      message: `redis-server to answer on port ${this.port}`,
    });
  }

  /** SIGKILL: the connection drops at once, as in a crash. */
  async kill(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await once(child, 'exit');
  }

  /** SIGSTOP: connections stay open and nothing answers, as in a hung server. */
  pause(): void {
    this.process?.kill('SIGSTOP');
  }

  resume(): void {
    this.process?.kill('SIGCONT');
  }

  async stop(): Promise<void> {
    this.resume();
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
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
