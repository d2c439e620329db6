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
    // Sockets only, until the drain: no work per request while the service runs normally.
    server.on('connection', this.onConnection);
  }

  /** From now on, each response closes its connection; sockets idle past `idleMs` are closed. */
  start(): void {
    if (this.draining) return;
    this.draining = true;
    this.server.prependListener('request', this.onRequest);
    const now = this.now();
    for (const [socket, tracked] of this.sockets) {
      // The response a socket is writing now (Node keeps it there): it closes its connection too.
      const res = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
      if (res) {
        this.follow(res, tracked);
        if (!res.headersSent) res.setHeader('Connection', 'close');
      } else {
        tracked.idleSince = now;
      }
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
    if (tracked) this.follow(res, tracked);
    if (!res.headersSent) res.setHeader('Connection', 'close');
  };

  /** Counts a response as in flight on its socket until it closes. */
  private follow(res: ServerResponse, tracked: Tracked): void {
    tracked.active.add(res);
    res.once('close', () => {
      tracked.active.delete(res);
      tracked.idleSince = this.now();
    });
  }

  /** Closes sockets with no request in flight that have been idle for `idleMs`. */
  private sweep(): void {
    const now = this.now();
    for (const [socket, { active, idleSince }] of this.sockets) {
      if (active.size === 0 && now - idleSince >= this.idleMs) socket.end();
    }
  }
}
