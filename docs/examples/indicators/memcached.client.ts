// The memcached client of docs/indicators/cache.md's custom indicator: one `version` command
// over a connection of its own, ended when the signal aborts. test/docs/indicators.e2e-spec.ts
// runs it against a memcached of the test's own.
import { Injectable } from '@nestjs/common';
import { connect } from 'node:net';

@Injectable()
export class MemcachedClient {
  private readonly host = process.env.MEMCACHED_HOST ?? '127.0.0.1';
  private readonly port = Number(process.env.MEMCACHED_PORT ?? 11211);

  /** The server's version: `VERSION 1.6.21` answered to `version`. */
  version({ signal }: { signal: AbortSignal }): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: this.host, port: this.port, signal });
      let text = '';
      socket.setEncoding('utf8');
      socket.on('connect', () => socket.write('version\r\n'));
      socket.on('data', (chunk: string) => {
        text += chunk;
        if (!text.includes('\r\n')) return;
        socket.end();
        const line = text.slice(0, text.indexOf('\r\n'));
        if (line.startsWith('VERSION ')) resolve(line.slice('VERSION '.length));
        else reject(new Error(`memcached answered ${JSON.stringify(line.slice(0, 60))}`));
      });
      socket.on('error', reject);
    });
  }
}
