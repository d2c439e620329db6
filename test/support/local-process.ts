import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findOnPath, missingBinariesMessage } from './binaries';
import { eventually } from './eventually';

/** Whether something accepts a TCP connection on `host:port` within `timeoutMs`. */
export function accepts(port: number, host = '127.0.0.1', timeoutMs = 2000): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = createConnection({ host, port });
    const done = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * A server process of the test's own (never the machine's), with a temp folder of its own, for
 * real faults: started (again) on its port, killed as in a crash, paused and resumed as in a
 * hang, and stopped with its folder removed.
 */
export abstract class LocalProcess {
  private process?: ChildProcess;
  protected readonly dir: string;

  protected constructor(folderPrefix: string) {
    this.dir = mkdtempSync(join(tmpdir(), folderPrefix));
  }

  /**
   * Kills what still runs (two on one port would leave the first running, unknown to `stop()`),
   * spawns `program` (the apt package `aptPackage` when missing) and waits until `ready()`.
   */
  protected async launch(
    program: string,
    aptPackage: string,
    args: readonly string[],
    ready: () => Promise<boolean>,
    waitingFor: string,
  ): Promise<void> {
    await this.kill();
    if (!findOnPath(program)) {
      throw new Error(missingBinariesMessage([{ name: program, aptPackage }]));
    }
    this.process = spawn(program, args, { stdio: 'ignore' });
    await eventually(ready, { timeoutMs: 5000, intervalMs: 25, message: waitingFor });
  }

  /** SIGKILL: connections drop at once, as in a crash. */
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
}
