import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import { sendJson } from './send';

describe('sendJson', () => {
  it('writes exact JSON bytes and headers to a ServerResponse, or to one wrapped as `raw`', async () => {
    let wrap = false;
    const server = createServer((_req, res) => {
      const body = { a: 'ü', b: [1, null] };
      if (wrap) sendJson({ raw: res }, 503, body);
      else sendJson(res, 200, body, { 'Cache-Control': 'no-store' });
    }).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      const plain = await fetch(url);
      expect(plain.status).toBe(200);
      expect(plain.headers.get('content-type')).toBe('application/json');
      expect(plain.headers.get('cache-control')).toBe('no-store');
      // Bytes, not characters: ü takes two.
      expect(plain.headers.get('content-length')).toBe('23');
      expect(await plain.text()).toBe('{"a":"ü","b":[1,null]}');

      wrap = true;
      const wrapped = await fetch(url);
      expect(wrapped.status).toBe(503);
      expect(wrapped.headers.get('cache-control')).toBeNull();
      expect(await wrapped.json()).toEqual({ a: 'ü', b: [1, null] });
    } finally {
      server.close();
    }
  });
});
