import { createConnection } from 'node:net';

/**
 * Connects to `address` on a socket of its own, writes `hello` (if any) and waits for the
 * server's first bytes, then closes. `signal` destroys the socket at once. Used before handing a
 * server to a client library that cannot cut off its own socket in the middle of a handshake
 * (nats, mongodb): a server that accepts and never answers is found on a socket the ping owns.
 */
export function awaitFirstBytes(
  address: { host: string; port: number },
  signal: AbortSignal,
  hello?: Buffer,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ ...address, signal });
    if (hello) socket.write(hello);
    socket.once('data', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
    socket.once('close', () => reject(new Error('connection closed before the server answered')));
  });
}

/** `{ isMaster: 1 }` on `admin.$cmd` as an OP_QUERY: what every MongoDB server answers first. */
export const MONGODB_LEGACY_HELLO: Buffer = (() => {
  const doc = Buffer.concat([
    int32(19),
    Buffer.from([0x10]),
    Buffer.from('isMaster\0', 'latin1'),
    int32(1),
    Buffer.from([0]),
  ]);
  const body = Buffer.concat([
    int32(0),
    Buffer.from('admin.$cmd\0', 'latin1'),
    int32(0),
    int32(-1),
    doc,
  ]);
  return Buffer.concat([int32(16 + body.length), int32(1), int32(0), int32(2004), body]);
})();

function int32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32LE(value);
  return buffer;
}
