import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

type StreamFactory = (...args: unknown[]) => Duplex | undefined;

/** Knows every socket a driver opened through `factory()` and is still open, to destroy them. */
export class SocketTracker {
  private readonly sockets = new Set<Duplex>();

  /** A socket factory for the driver; wraps `make` when the caller brought their own. */
  factory(make?: StreamFactory): () => Duplex {
    return (...args: unknown[]) => {
      const socket = make?.(...args) ?? new Socket();
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      return socket;
    };
  }

  destroyAll(): void {
    for (const socket of this.sockets) socket.destroy();
  }
}
