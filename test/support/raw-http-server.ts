import { once } from 'node:events';
import type { AddressInfo, Server, Socket } from 'node:net';
import { createServer } from 'node:net';

/** What the server does on one connection, once the request's head has come. */
export type RawAnswer = (socket: Socket, path: string) => void;

/**
 * An HTTP server on 127.0.0.1 (a free port) that writes its answers byte by byte, as no real
 * HTTP server would: a Content-Length it does not keep, a chunked body with no final chunk, a
 * reset in the middle of a body. `answer` gets the socket and the request's path once the
 * request's head has come; `write`, `end`, `resetAndDestroy` on the socket are the whole toolkit.
 */
export class RawHttpServer {
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: Server) {}

  static async start(answer: RawAnswer): Promise<RawHttpServer> {
    const server = createServer();
    const raw = new RawHttpServer(server);
    server.on('connection', (socket: Socket) => raw.accept(socket, answer));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return raw;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Destroys every socket and stops listening. Safe to call more than once. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    if (!this.server.listening) return;
    const closed = once(this.server, 'close');
    this.server.close();
    await closed;
  }

  private accept(socket: Socket, answer: RawAnswer): void {
    this.sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => this.sockets.delete(socket));
    let head = '';
    const read = (data: Buffer) => {
      head += data.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', read);
      answer(socket, head.split(' ')[1] ?? '');
    };
    socket.on('data', read);
  }
}
