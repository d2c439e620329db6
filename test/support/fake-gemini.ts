import { once } from 'node:events';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  url: string;
  apiKey: string | undefined;
  body: string;
}

export type Reply = (req: IncomingMessage, res: ServerResponse, seen: SeenRequest) => void;

export const answer =
  (text: string): Reply =>
  (_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ candidates: [{ content: { parts: [{ text }] } }] }));
  };

export const status =
  (code: number, body = '{"error":"x"}'): Reply =>
  (_req, res) => {
    res.statusCode = code;
    res.end(body);
  };

/** What a streaming answer sent, as the server saw it. */
export interface StreamProgress {
  /** Bytes handed to the socket so far. */
  bytes: number;
  /** The whole body was sent (the client read it to the end). */
  ended: boolean;
  /** Settles when the response closes: ended, or the client went away. */
  closed: Promise<void>;
}

/**
 * Answers HTTP `code` with `head`, then padding (spaces) up to `totalBytes`, or forever with
 * Infinity, written as fast as the client reads. `progress` counts what was sent: a client that
 * stops reading early leaves it far below the total.
 */
export function streaming(
  code: number,
  head: string,
  totalBytes: number,
): { reply: Reply; progress: StreamProgress } {
  let closed!: () => void;
  const progress: StreamProgress = {
    bytes: 0,
    ended: false,
    closed: new Promise<void>((resolve) => (closed = resolve)),
  };
  const padding = Buffer.alloc(64 * 1024, 0x20);
  const reply: Reply = (_req, res) => {
    res.on('error', () => undefined);
    res.once('close', closed);
    res.writeHead(code, { 'content-type': 'application/json' });
    let piece: Buffer = Buffer.from(head);
    const pump = () => {
      while (!res.destroyed) {
        if (progress.bytes >= totalBytes) {
          progress.ended = true;
          res.end();
          return;
        }
        progress.bytes += piece.length;
        const more = res.write(piece);
        piece = padding;
        if (!more) {
          res.once('drain', pump);
          return;
        }
      }
    };
    pump();
  };
  return { reply, progress };
}

/** An HTTP server on loopback that plays the AI provider; the test decides each answer. */
export class FakeGemini {
  readonly requests: SeenRequest[] = [];
  reply: Reply = answer('ok');

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeGemini> {
    const server = createServer();
    const fake = new FakeGemini(server);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => fake.handle(req, res));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return fake;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const key = req.headers['x-goog-api-key'];
      const seen = {
        method: req.method ?? '',
        url: req.url ?? '',
        apiKey: typeof key === 'string' ? key : undefined,
        body,
      };
      this.requests.push(seen);
      this.reply(req, res, seen);
    });
  }
}
