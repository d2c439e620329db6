import type { ClientRequest, IncomingMessage } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { errorText } from '../../shared/error-text';
import { shownUrl } from './http.url';

/** What one request got back: its status, its `Location`, and the body bytes read. */
export interface HttpHop {
  status: number;
  location?: string;
  body?: Buffer;
}

export interface HopOptions {
  method: 'GET' | 'HEAD';
  headers: Readonly<Record<string, string>>;
  tls: { ca?: (string | Buffer)[]; rejectUnauthorized: boolean };
  /** Read at most this many bytes of the body; 0 reads none. */
  readBody: number;
  /** A redirect that will be followed: its body is never read. */
  follows: (status: number, location: string | undefined) => boolean;
  signal: AbortSignal;
}

/**
 * One request on a connection of its own (no agent, no keep-alive): the connection is destroyed
 * once the status and at most `readBody` bytes are in, or as soon as `signal` aborts. Rejects
 * with `METHOD url: reason` (the URL as `shownUrl` shows it) on any failure.
 */
export function requestOnce(url: URL, options: HopOptions): Promise<HttpHop> {
  const { signal } = options;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<HttpHop>((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    let response: IncomingMessage | undefined;
    const done = (error: unknown, hop?: HttpHop) => {
      signal.removeEventListener('abort', onAbort);
      response?.destroy();
      req.destroy();
      if (hop) resolve(hop);
      else reject(error);
    };
    const failed = (error: unknown) =>
      done(new Error(`${options.method} ${shownUrl(url)}: ${errorText(error)}`));
    const onAbort = () => done(signal.reason);
    const req: ClientRequest = send(url, {
      method: options.method,
      headers: { ...options.headers },
      agent: false,
      ca: options.tls.ca,
      rejectUnauthorized: options.tls.rejectUnauthorized,
    });
    signal.addEventListener('abort', onAbort, { once: true });
    // Listeners stay after settling: a late error of the destroyed request must not escape.
    req.on('error', failed);
    req.on('response', (res) => {
      response = res;
      res.on('error', failed);
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (options.readBody === 0 || options.follows(status, location)) {
        done(undefined, { status, location });
        return;
      }
      readBody(res, options.readBody, (body) => done(undefined, { status, location, body }));
    });
    req.end();
  });
}

/** Collects at most `limit` bytes, then hands them over: at the limit or at the body's end. */
function readBody(res: IncomingMessage, limit: number, then: (body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    then(Buffer.concat(chunks, size).subarray(0, limit));
  };
  res.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= limit) finish();
  });
  res.on('end', finish);
}
