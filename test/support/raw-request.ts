import type { ClientRequest, IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { request } from 'node:http';

/** An answer as it came: status, headers and the body's text. */
export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

export interface RawRequest {
  method?: string;
  /** Sent exactly as given: nothing added (no Content-Type), nothing dropped. */
  headers?: OutgoingHttpHeaders;
  body?: string | Buffer;
  /** Sent chunked (no Content-Length), as a client streaming a body does. */
  chunked?: boolean;
}

/** Each piece of a body is written after the previous one was taken. */
const PIECE = 64 * 1024;
/** A broken pipe before any answer came is the client's race with the server's close. */
const ATTEMPTS = 5;

/**
 * Sends a request with node:http, exactly as given, and reads its answer. A large body is
 * written piece by piece and no more once the answer has come: a server that answers before
 * reading the body (a 401, a 413) and closes the connection gets its answer read, where `fetch`
 * would report a broken pipe. A broken pipe before any answer is retried (a few times).
 */
export async function rawRequest(url: string, options: RawRequest = {}): Promise<RawAnswer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await once(url, options);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (attempt >= ATTEMPTS || (code !== 'EPIPE' && code !== 'ECONNRESET')) throw error;
    }
  }
}

function once(url: string, { method = 'GET', headers = {}, body, chunked }: RawRequest) {
  return new Promise<RawAnswer>((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(body);
    const sent = { ...headers };
    if (data && !chunked && sent['content-length'] === undefined) {
      sent['content-length'] = String(data.length);
    }
    let answered = false;
    const req = request(url, { method, headers: sent }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        resolve({
          status: res.statusCode!,
          headers: res.headers,
          text: Buffer.concat(chunks).toString('utf8'),
        });
        req.destroy();
      });
    });
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    writeBody(req, data, () => answered).then(
      (complete) => complete && req.end(),
      () => undefined, // the request's 'error' says it
    );
  });
}

async function writeBody(
  req: ClientRequest,
  data: Buffer | undefined,
  answered: () => boolean,
): Promise<boolean> {
  req.flushHeaders();
  for (let offset = 0; data && offset < data.length; offset += PIECE) {
    if (answered() || req.destroyed) return false;
    await new Promise<void>((resolve, reject) =>
      req.write(data.subarray(offset, offset + PIECE), (error) =>
        error ? reject(error) : resolve(),
      ),
    );
    await new Promise((resolve) => setImmediate(resolve));
  }
  return !answered() && !req.destroyed;
}
