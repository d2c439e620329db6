import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { connect } from 'node:net';

const LISTENER = `const server = require('node:net')
  .createServer()
  .listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () =>
    process.stdout.write(String(server.address().port)),
  );`;

/**
 * A port where connecting hangs, as behind a firewall that drops packets: a Node process of its
 * own listens with a backlog of 1 and is SIGSTOPped, then its accept queue is filled. Linux then
 * drops every new SYN, so a client's connect neither succeeds nor fails until it gives up.
 * `stop()` kills the process and closes the filling connections.
 */
export class FullBacklog {
  private constructor(
    readonly port: number,
    private readonly child: ChildProcess,
    private readonly fillers: Socket[],
  ) {}

  static async start(): Promise<FullBacklog> {
    const child = spawn(process.execPath, ['-e', LISTENER], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [data] = (await once(child.stdout!, 'data')) as [Buffer];
    const port = Number(data.toString());
    child.kill('SIGSTOP');
    const fillers: Socket[] = [];
    // Up to backlog + 1 connections complete into the queue; stop at the first that hangs.
    for (let i = 0; i < 8; i++) {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => undefined);
      fillers.push(socket);
      const connected = await Promise.race([
        once(socket, 'connect').then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 200)),
      ]);
      if (!connected) break;
    }
    return new FullBacklog(port, child, fillers);
  }

  async stop(): Promise<void> {
    this.fillers.forEach((socket) => socket.destroy());
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = once(this.child, 'exit');
      this.child.kill('SIGKILL');
      await exited;
    }
  }
}
