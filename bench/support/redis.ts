import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Child, freePort, sleep } from './processes';

/**
 * The benchmark's own redis-server on a free loopback port (never the machine's shared Redis):
 * no persistence, stats reset and read over a plain socket (so the admin connection itself
 * sends no PING), SIGSTOP / SIGCONT for the hang scenario.
 */
export class BenchRedis {
  private paused = false;

  private constructor(
    readonly port: number,
    private readonly child: Child,
    private readonly dir: string,
  ) {}

  static async start(logDir: string): Promise<BenchRedis> {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'bench-redis-'));
    const child = Child.start({
      name: 'redis-server',
      command: 'redis-server',
      args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      env: { PATH: process.env.PATH },
      cwd: dir,
      logDir,
    });
    const redis = new BenchRedis(port, child, dir);
    for (let i = 0; i < 200; i++) {
      if (
        await redis.command('PING', 500).then(
          (r) => r === '+PONG',
          () => false,
        )
      ) {
        await redis.resetStats();
        return redis;
      }
      await sleep(25);
    }
    await redis.stop();
    throw new Error(`redis-server did not start on port ${port}; see ${child.logFile}`);
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** `CONFIG RESETSTAT`: command counters back to zero. */
  async resetStats(): Promise<void> {
    const reply = await this.command('CONFIG RESETSTAT');
    if (reply !== '+OK') throw new Error(`CONFIG RESETSTAT answered ${reply}`);
  }

  /** Calls of PING since the last reset (`INFO commandstats`, `cmdstat_ping`). */
  async pingCalls(): Promise<number> {
    const info = await this.command('INFO commandstats');
    return Number(/^cmdstat_ping:calls=(\d+)/m.exec(info)?.[1] ?? 0);
  }

  /** SIGSTOP: connections stay open, nothing answers. */
  pause(): void {
    this.paused = true;
    this.child.signal('SIGSTOP');
  }

  /** SIGCONT; safe to call at any time. */
  resume(): void {
    this.child.signal('SIGCONT');
    this.paused = false;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  async stop(): Promise<void> {
    this.resume();
    await this.child.stop(2000);
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** One inline command on a fresh connection; the raw reply (`+OK`, or a bulk string's text). */
  private command(line: string, timeoutMs = 5000): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = createConnection({ port: this.port, host: '127.0.0.1' });
      let buffer = Buffer.alloc(0);
      const done = (error: Error | undefined, reply?: string) => {
        socket.destroy();
        if (error) reject(error);
        else resolve(reply ?? '');
      };
      socket.setTimeout(timeoutMs, () => done(new Error(`redis ${line}: no answer`)));
      socket.on('error', (error) => done(error));
      socket.on('data', (data: Buffer) => {
        buffer = Buffer.concat([buffer, data]);
        const reply = parseReply(buffer);
        if (reply !== undefined) done(undefined, reply);
      });
      socket.write(`${line}\r\n`);
    });
  }
}

/** A complete simple-string, error or bulk-string reply, or undefined while incomplete. */
function parseReply(buffer: Buffer): string | undefined {
  const end = buffer.indexOf('\r\n');
  if (end < 0) return undefined;
  const head = buffer.subarray(0, end).toString('utf8');
  if (head[0] !== '$') return head;
  const length = Number(head.slice(1));
  if (length < 0) return '';
  const start = end + 2;
  if (buffer.length < start + length + 2) return undefined;
  return buffer.subarray(start, start + length).toString('utf8');
}
