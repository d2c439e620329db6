import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { request } from 'node:http';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { eventually } from './eventually';

/** One server-sent event as a client reads it. */
export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

/**
 * A plain client of `text/event-stream` over node:http, keeping everything it read: the events,
 * the comment lines (heartbeats), `retry:`; for a refusal, the status and the body.
 */
export class SseClient {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  retry?: number;
  text = '';
  ended = false;
  /** Resolves when the server ends the stream or the connection closes. */
  readonly closed: Promise<void>;
  private buffer = '';
  private resolveClosed!: () => void;

  private constructor(private readonly res: IncomingMessage) {
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => this.read(chunk));
    res.on('close', () => {
      this.ended = true;
      this.resolveClosed();
    });
    res.on('error', () => undefined);
  }

  /** `localAddress`: the address to connect from (another loopback address is another client). */
  static connect(
    url: string,
    headers: Record<string, string> = {},
    { localAddress }: { localAddress?: string } = {},
  ): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const options = { headers: { Accept: 'text/event-stream', ...headers }, localAddress };
      const req = request(url, options, (res) => resolve(new SseClient(res)));
      req.on('error', reject);
      req.end();
    });
  }

  get status(): number {
    return this.res.statusCode ?? 0;
  }

  get headers(): IncomingHttpHeaders {
    return this.res.headers;
  }

  /** Events of one type, their data parsed as JSON. */
  data<T>(event: string): T[] {
    return this.events.filter((e) => e.event === event).map((e) => JSON.parse(e.data) as T);
  }

  /** Waits until `accept(events)` holds; fails with what was read after `timeoutMs`. */
  async waitFor(accept: (events: SseEvent[]) => boolean, timeoutMs = 10_000): Promise<void> {
    await eventually(() => accept(this.events), {
      timeoutMs,
      intervalMs: 10,
      message: () => `SSE events; read so far:\n${this.text.slice(-2000)}`,
    });
  }

  close(): void {
    this.res.destroy();
  }

  private read(chunk: string): void {
    this.text += chunk;
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      this.parse(block);
    }
  }

  private parse(block: string): void {
    const event: SseEvent = { event: 'message', data: '' };
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        this.comments.push(line.slice(1).trim());
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') event.id = value;
      else if (field === 'event') event.event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'retry') this.retry = Number(value);
    }
    if (data.length > 0) this.events.push({ ...event, data: data.join('\n') });
  }
}

/**
 * A client that asks for the stream and then never reads a byte: what the server writes piles
 * up in the kernel's buffers, then in the server process.
 */
export async function stalledClient(port: number, path: string): Promise<Socket> {
  const socket = connect({ port, host: '127.0.0.1' });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.on('error', () => undefined);
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\n\r\n`,
  );
  socket.pause();
  return socket;
}
