import { once } from 'node:events';
import type { AddressInfo, Server, Socket } from 'node:net';
import { createConnection, createServer } from 'node:net';

interface Pair {
  client: Socket;
  upstream?: Socket;
}

/**
 * A TCP proxy on 127.0.0.1 (a free port) in front of a local server, that can start hanging
 * while its clients stay connected: `hang()` stops every byte both ways on the connections
 * already open (nothing is closed, nothing is answered) and holds every new connection without
 * reading it, as a server that hangs mid-life or a network that drops replies. `restore()` ends
 * the fault: what it held is destroyed (the client sees its connection reset) and new
 * connections reach the server again. A client keeps its URL (this proxy's port) throughout.
 */
export class HangProxy {
  private readonly pairs = new Set<Pair>();
  private hanging = false;

  private constructor(
    private readonly server: Server,
    private readonly targetPort: number,
  ) {}

  static async start(targetPort: number): Promise<HangProxy> {
    const server = createServer({ pauseOnConnect: true });
    const proxy = new HangProxy(server, targetPort);
    server.on('connection', (socket: Socket) => proxy.accept(socket));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return proxy;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Connections open now (forwarded or held). */
  get open(): number {
    return this.pairs.size;
  }

  /** Every byte stops, both ways, on open connections and new ones; nothing is closed. */
  hang(): void {
    this.hanging = true;
    for (const { client, upstream } of this.pairs) {
      client.unpipe();
      upstream?.unpipe();
      client.pause();
      upstream?.pause();
    }
  }

  /** The fault ends: what was held is destroyed, and new connections are forwarded again. */
  restore(): void {
    this.hanging = false;
    for (const pair of [...this.pairs]) this.drop(pair);
  }

  /** Destroys every connection and stops listening. Safe to call more than once. */
  async close(): Promise<void> {
    for (const pair of [...this.pairs]) this.drop(pair);
    if (!this.server.listening) return;
    const closed = once(this.server, 'close');
    this.server.close();
    await closed;
  }

  private accept(client: Socket): void {
    const pair: Pair = { client };
    this.pairs.add(pair);
    client.on('error', () => undefined);
    client.on('close', () => this.drop(pair));
    if (this.hanging) return; // held: never read, never answered
    const upstream = createConnection({ port: this.targetPort, host: '127.0.0.1' });
    pair.upstream = upstream;
    upstream.on('error', () => undefined);
    upstream.on('close', () => this.drop(pair));
    client.pipe(upstream).pipe(client);
    client.resume();
  }

  private drop(pair: Pair): void {
    if (!this.pairs.delete(pair)) return;
    pair.client.destroy();
    pair.upstream?.destroy();
  }
}
