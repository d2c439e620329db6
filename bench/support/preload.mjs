import net from 'node:net';
import process from 'node:process';

/**
 * Bench-only preload (`node --import`), for every server the benchmarks start; the product is
 * not changed:
 * - a server that listens without a host (the built service does) listens on 127.0.0.1 only;
 * - with an IPC channel (the memory scenarios), `{ type: 'bench:heap' }` answers the process's
 *   memory usage after two full collections (`--expose-gc`).
 */
const LOOPBACK = '127.0.0.1';
const listen = net.Server.prototype.listen;

net.Server.prototype.listen = function listenOnLoopback(...args) {
  const [first] = args;
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    if (typeof args[1] !== 'string') args.splice(1, 0, LOOPBACK);
  } else if (
    first &&
    typeof first === 'object' &&
    first.host === undefined &&
    first.path === undefined
  ) {
    args[0] = { ...first, host: LOOPBACK };
  }
  return listen.apply(this, args);
};

if (process.send) {
  process.on('message', (message) => {
    if (message?.type !== 'bench:heap') return;
    if (typeof globalThis.gc === 'function') {
      globalThis.gc();
      globalThis.gc();
    }
    const { heapUsed, heapTotal, rss, external, arrayBuffers } = process.memoryUsage();
    process.send({
      type: 'bench:heap',
      id: message.id,
      heapUsed,
      heapTotal,
      rss,
      external,
      arrayBuffers,
    });
  });
  // After the listener (which refs the channel): the channel alone must not keep it running.
  process.channel?.unref();
}
