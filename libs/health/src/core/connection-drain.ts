import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as NetServer } from 'node:net';
import type { Socket } from 'node:net';

interface Tracked {
  /** Responses in flight on this socket. */
  active: Set<ServerResponse>;
  /** When the socket last finished a response (or opened), on `performance.now()`-like time. */
  idleSince: number;
}

/**
 * Keeps track of an HTTP server's sockets so that a shutdown drops nothing: while draining,
 * every response says `Connection: close` (clients reconnect elsewhere), sockets idle for a
 * while are closed, then the listener stops accepting and the requests in flight finish.
 */
export class ConnectionDrain {
  private readonly sockets = new Map<Socket, Tracked>();
  private draining = false;
  private sweeper?: NodeJS.Timeout;

  constructor(
    private readonly server: Server,
    private readonly now: () => number = () => performance.now(),
    private readonly idleMs = 250,
  ) {
    server.on('connection', this.onConnection);
    server.prependListener('request', this.onRequest);
  }

  /** From now on, each response closes its connection; sockets idle past `idleMs` are closed. */
  start(): void {
    this.draining = true;
    // Responses under way when the drain begins close their connection too.
    for (const { active } of this.sockets.values()) {
      for (const res of active) if (!res.headersSent) res.setHeader('Connection', 'close');
    }
    this.sweep();
    this.sweeper = setInterval(() => this.sweep(), this.idleMs);
    this.sweeper.unref();
  }

  /**
   * Stops accepting connections (without Node's close of every idle socket, which races a
   * client sending on it), waits for every socket to end, at most `timeoutMs`, then destroys
   * what is left. Resolves with the number of sockets destroyed.
   */
  async close(timeoutMs: number): Promise<number> {
    if (!this.draining) this.start();
    if (this.server.listening) NetServer.prototype.close.call(this.server);
    const deadline = this.now() + timeoutMs;
    while (this.sockets.size > 0 && this.now() < deadline) {
      this.sweep();
      // A referenced timer: the process must live until the app has closed.
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const left = this.sockets.size;
    for (const socket of this.sockets.keys()) socket.destroy();
    this.stop();
    return left;
  }

  /** Removes the listeners and timers (the server stays as it is). */
  stop(): void {
    clearInterval(this.sweeper);
    this.server.off('connection', this.onConnection);
    this.server.off('request', this.onRequest);
  }

  private readonly onConnection = (socket: Socket): void => {
    this.sockets.set(socket, { active: new Set(), idleSince: this.now() });
    socket.once('close', () => this.sockets.delete(socket));
  };

  private readonly onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const tracked = this.sockets.get(req.socket);
    tracked?.active.add(res);
    if (this.draining && !res.headersSent) res.setHeader('Connection', 'close');
    res.once('close', () => {
      if (!tracked) return;
      tracked.active.delete(res);
      tracked.idleSince = this.now();
    });
  };

  /** Closes sockets with no request in flight that have been idle for `idleMs`. */
  private sweep(): void {
    const now = this.now();
    for (const [socket, { active, idleSince }] of this.sockets) {
      if (active.size === 0 && now - idleSince >= this.idleMs) socket.end();
    }
  }
}
