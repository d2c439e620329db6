import { once } from 'node:events';
import type { AddressInfo, Server, Socket } from 'node:net';
import { createConnection, createServer } from 'node:net';

/**
 * A TCP server on 127.0.0.1 (a free port) that accepts every connection and never answers: the
 * client's connect succeeds, then whatever it sends goes nowhere, as with a hung server or a
 * firewall that drops replies. The sockets are kept (never read back, never closed) until
 * `close()` destroys them.
 *
 * `forwardTo(port)` ends the fault on the same address: the held sockets are destroyed (the
 * black hole closes) and every later connection is piped to `127.0.0.1:<port>`, so a client
 * whose URL points here reaches a real server without being restarted.
 */
export class BlackHole {
  private readonly sockets = new Set<Socket>();
  private target?: number;
  private acceptedCount = 0;

  private constructor(private readonly server: Server) {}

  static async start(): Promise<BlackHole> {
    const server = createServer({ pauseOnConnect: true });
    const hole = new BlackHole(server);
    server.on('connection', (socket: Socket) => hole.accept(socket));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return hole;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Connections accepted so far (held or forwarded). */
  get accepted(): number {
    return this.acceptedCount;
  }

  /** Connections open now (held, or forwarded and not yet closed). */
  get open(): number {
    return this.sockets.size;
  }

  /** Stops swallowing: drops what it holds and forwards new connections to this local port. */
  forwardTo(port: number): void {
    this.target = port;
    for (const socket of this.sockets) socket.destroy();
  }

  /** Destroys every socket and stops listening. Safe to call more than once. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    if (!this.server.listening) return;
    const closed = once(this.server, 'close');
    this.server.close();
    await closed;
  }

  private accept(socket: Socket): void {
    this.acceptedCount++;
    this.track(socket);
    if (this.target === undefined) return; // paused: nothing is read, nothing is written
    const upstream = createConnection({ port: this.target, host: '127.0.0.1' });
    this.track(upstream);
    const end = () => {
      socket.destroy();
      upstream.destroy();
    };
    socket.on('close', end);
    upstream.on('close', end);
    socket.pipe(upstream).pipe(socket);
    socket.resume();
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => this.sockets.delete(socket));
  }
}
