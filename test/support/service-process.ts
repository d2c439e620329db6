import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');
/** The built service, as `npm start` runs it (built by the global setup before the tests). */
export const SERVICE_MAIN = join(ROOT, 'dist/apps/api/main.js');

/** The built service running as a child process with exactly the environment given. */
export class ServiceProcess {
  private text = '';
  readonly child: ChildProcess;

  private constructor(env: Record<string, string>) {
    this.child = spawn(process.execPath, [SERVICE_MAIN], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', TZ: 'UTC', NODE_ENV: 'test', PORT: '0', ...env },
    });
    this.child.stdout!.on('data', (chunk: Buffer) => (this.text += chunk.toString()));
    this.child.stderr!.on('data', (chunk: Buffer) => (this.text += chunk.toString()));
  }

  /** Starts it and waits until it listens; `url` is then its base URL. */
  static async start(env: Record<string, string>): Promise<RunningService> {
    const service = new ServiceProcess(env);
    for (let i = 0; i < 600; i++) {
      const match = /api listening on (http:\/\/\S+) /.exec(service.text);
      if (match) return Object.assign(service, { url: match[1] });
      if (service.child.exitCode !== null) throw new Error(`service exited: ${service.text}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`service did not start: ${service.text}`);
  }

  /** Everything it wrote to stdout and stderr so far. */
  output(): string {
    return this.text;
  }

  /** SIGKILL, and waits for the exit. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGKILL');
    await once(this.child, 'exit');
  }
}

/** A started service, with its base URL. */
export type RunningService = ServiceProcess & { url: string };
