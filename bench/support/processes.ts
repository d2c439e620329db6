import type { ChildProcess, StdioOptions } from 'node:child_process';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';

/** Every child the benchmarks start, so that one `stopAll()` (in a finally) ends them all. */
const running = new Set<Child>();

export { freePort } from '../../test/support/redis-server';

export interface StartOptions {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** Output goes to `<logDir>/<name>.log`. */
  logDir: string;
  /** Open an IPC channel (the memory scenario's heap probe). */
  ipc?: boolean;
}

/** A child process of the benchmark, stopped by `stop()` or by `stopAll()`. */
export class Child {
  readonly exited: Promise<void>;

  private constructor(
    readonly name: string,
    readonly process: ChildProcess,
    readonly logFile: string,
  ) {
    this.exited = once(process, 'exit').then(() => undefined);
    running.add(this);
    void this.exited.then(() => running.delete(this));
  }

  static start(options: StartOptions): Child {
    const logFile = join(options.logDir, `${options.name}.log`);
    const fd = openSync(logFile, 'a');
    const stdio: StdioOptions = ['ignore', fd, fd, ...(options.ipc ? ['ipc' as const] : [])];
    try {
      const child = spawn(options.command, options.args, {
        cwd: options.cwd,
        env: options.env,
        stdio,
      });
      return new Child(options.name, child, logFile);
    } finally {
      closeSync(fd);
    }
  }

  get alive(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  signal(signal: NodeJS.Signals): void {
    if (this.alive) this.process.kill(signal);
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (!this.alive) return;
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Stops every child still running. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((child) => child.stop()));
}

export interface HttpAnswer {
  status: number;
  body: string;
  ms: number;
}

/** One GET on its own connection; rejects after `timeoutMs`. */
export function httpGet(url: string, timeoutMs = 5000): Promise<HttpAnswer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          ms: performance.now() - started,
        }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** Polls `url` until `accept` says yes; fails after `timeoutMs` or when `child` exits. */
export async function waitFor(
  url: string,
  accept: (answer: HttpAnswer) => boolean,
  child?: Child,
  timeoutMs = 30_000,
): Promise<HttpAnswer> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (child && !child.alive) throw new Error(`${child.name} exited; see ${child.logFile}`);
    try {
      const answer = await httpGet(url, 2000);
      if (accept(answer)) return answer;
      last = `${answer.status} ${answer.body.slice(0, 200)}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(100);
  }
  throw new Error(`${url} not ready within ${timeoutMs} ms (last: ${last})`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
