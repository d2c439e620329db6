import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { eventually } from './eventually';

const ROOT = join(__dirname, '../..');
/** The built service, as `npm start` runs it (built by the global setup before the tests). */
export const SERVICE_MAIN = join(ROOT, 'dist/apps/api/main.js');

/** The line the service logs once it listens, with its base URL. */
const LISTENING = /api listening on (http:\/\/\S+) /;

export interface ServiceOptions {
  /** The built main file to run: the repository's `dist/apps/api/main.js` unless told. */
  main?: string;
  /** The working folder: the repository's root unless told. */
  cwd?: string;
}

/** How a service process ended, with everything it wrote (stdout and stderr, interleaved). */
export interface ServiceExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/**
 * The built service running as a child process with exactly the environment given (plus PATH,
 * `TZ=UTC`, `NODE_ENV=test` and `PORT=0`, which the environment given may override).
 */
export class ServiceProcess {
  /** Every service this test file started and that has not ended yet. */
  private static readonly running = new Set<ServiceProcess>();
  private text = '';
  private ended?: ServiceExit;
  readonly child: ChildProcess;
  /** Resolves once the process has exited and its stdout and stderr have closed. */
  readonly closed: Promise<ServiceExit>;

  private constructor(env: Record<string, string>, options: ServiceOptions) {
    this.child = spawn(process.execPath, [options.main ?? SERVICE_MAIN], {
      cwd: options.cwd ?? ROOT,
      env: { PATH: process.env.PATH ?? '', TZ: 'UTC', NODE_ENV: 'test', PORT: '0', ...env },
    });
    this.child.stdout!.on('data', (chunk: Buffer) => (this.text += chunk.toString()));
    this.child.stderr!.on('data', (chunk: Buffer) => (this.text += chunk.toString()));
    ServiceProcess.running.add(this);
    this.closed = once(this.child, 'close').then(([code, signal]) => {
      ServiceProcess.running.delete(this);
      this.ended = { code, signal, output: this.text } as ServiceExit;
      return this.ended;
    });
    this.closed.catch(() => undefined); // a failed spawn: whoever awaits it gets the error
  }

  /** Spawns it and returns at once, listening or not. */
  static launch(env: Record<string, string>, options: ServiceOptions = {}): ServiceProcess {
    return new ServiceProcess(env, options);
  }

  /** Starts it and waits until it listens; `url` is then its base URL. */
  static start(env: Record<string, string>, options: ServiceOptions = {}): Promise<RunningService> {
    return ServiceProcess.launch(env, options).listening();
  }

  /**
   * Runs a service that must stop at startup, and resolves with how it ended. One that starts
   * listening instead is killed and fails; one still running after `killAfterMs` is killed.
   */
  static async startupFailure(
    env: Record<string, string>,
    options: ServiceOptions & { killAfterMs?: number } = {},
  ): Promise<ServiceExit> {
    const service = ServiceProcess.launch(env, options);
    service.child.stdout!.on('data', () => {
      if (LISTENING.test(service.text)) service.child.kill('SIGKILL');
    });
    const exit = await service.exited({ killAfterMs: options.killAfterMs ?? 15_000 });
    if (LISTENING.test(exit.output)) {
      throw new Error(`the service started, though it should have stopped:\n${exit.output}`);
    }
    return exit;
  }

  /** SIGKILLs every service of this test file still running (for an `afterEach`). */
  static async killAll(): Promise<void> {
    await Promise.all([...ServiceProcess.running].map((service) => service.kill()));
  }

  /** Waits until it listens (failing with its output if it ends first); adds its base URL. */
  async listening(timeoutMs = 30_000): Promise<RunningService> {
    const url = await eventually(
      () => {
        const match = LISTENING.exec(this.text);
        if (match) return match[1];
        if (this.ended) throw new Error(`service exited (${this.describeEnd()}): ${this.text}`);
        return undefined;
      },
      { timeoutMs, message: () => `the service to listen; its output: ${this.text}` },
    );
    return Object.assign(this, { url });
  }

  /** Everything it wrote to stdout and stderr so far. */
  output(): string {
    return this.text;
  }

  /**
   * Waits until a line it wrote after offset `from` of its output contains `pattern` (a string)
   * or matches it (a RegExp), and returns that line. Fails if the process ends without it.
   */
  async logged(
    pattern: string | RegExp,
    { from = 0, timeoutMs = 10_000 }: { from?: number; timeoutMs?: number } = {},
  ): Promise<string> {
    const matches = (line: string) =>
      typeof pattern === 'string' ? line.includes(pattern) : pattern.test(line);
    const find = () => this.text.slice(from).split('\n').find(matches);
    return eventually(
      () => {
        const line = find();
        if (line === undefined && this.ended) {
          throw new Error(`not logged before the exit: ${pattern}\n${this.text.slice(-3000)}`);
        }
        return line;
      },
      { timeoutMs, message: () => `a log line ${pattern}; output:\n${this.text.slice(-3000)}` },
    );
  }

  /** Sends it a signal (SIGTERM to drain, SIGSTOP...), without waiting. */
  signal(name: NodeJS.Signals): void {
    this.child.kill(name);
  }

  /**
   * Waits until it has exited and all of its output is in. With `killAfterMs`, one still
   * running then is SIGKILLed (and its `code` is null).
   */
  async exited({ killAfterMs }: { killAfterMs?: number } = {}): Promise<ServiceExit> {
    const killer =
      killAfterMs === undefined ? undefined : setTimeout(() => this.signal('SIGKILL'), killAfterMs);
    try {
      return await this.closed;
    } finally {
      clearTimeout(killer);
    }
  }

  /** SIGTERM, then how it ended once all of its output is in. */
  async stop(): Promise<ServiceExit> {
    if (!this.ended) this.signal('SIGTERM');
    return this.exited();
  }

  /** SIGKILL, and waits for the exit. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.signal('SIGKILL');
    await this.closed;
  }

  private describeEnd(): string {
    return this.ended?.signal ?? `code ${this.ended?.code}`;
  }
}

/** A started service, with its base URL. */
export type RunningService = ServiceProcess & { url: string };
