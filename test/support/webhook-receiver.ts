import express from 'express';
import type { Request, Response } from 'express';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import type { IncomingHttpHeaders, Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventually } from './eventually';

const TOLERANCE_SECONDS = 5 * 60;

/**
 * The receiver's check, as docs/webhooks.md tells receivers to write it: HMAC-SHA256 of
 * `<timestamp>.<raw body>`, compared in constant time, and nothing older than 5 minutes.
 */
export function verify(
  secret: string,
  rawBody: Buffer,
  headers: IncomingHttpHeaders,
  now = Date.now(),
): boolean {
  const timestamp = headers['x-health-timestamp'];
  const signature = headers['x-health-signature'];
  if (typeof timestamp !== 'string' || !/^\d+$/.test(timestamp)) return false;
  if (typeof signature !== 'string') return false;
  if (Math.abs(now / 1000 - Number(timestamp)) > TOLERANCE_SECONDS) return false;
  const hmac = createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody);
  const expected = Buffer.from(`sha256=${hmac.digest('hex')}`);
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The event fields the tests read. */
export interface ReceivedEvent {
  id: string;
  event: string;
  service: string;
  component: string | null;
  previous: string;
  current: string;
  timestamp: number;
  report: { overall_status: string; components: { name: string; status: string }[] };
}

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  verified: boolean;
  event: ReceivedEvent;
  /** The status answered; undefined while held or when the client gave up first. */
  answered?: number;
}

/** How to answer one request: a status code, after a delay, or held until `release()`. */
export type Answer = { status: number; delayMs?: number } | 'hold';

/**
 * A real HTTP receiver on loopback: records every request, verifies its signature, answers as
 * told (`answers` for the next requests, then `fallback`), and can go down and come back on
 * the same port.
 */
export class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  readonly answers: Answer[] = [];
  fallback: Answer = { status: 204 };
  private server: Server;
  private readonly held: { res: Response; seen: ReceivedRequest }[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly secret: string,
    private port = 0,
  ) {
    this.server = this.createServer();
  }

  static async start(secret: string): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver(secret);
    await receiver.up();
    return receiver;
  }

  url(path = '/hooks/health'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Events answered with 2xx, in the order they arrived. */
  delivered(path?: string): ReceivedEvent[] {
    return this.requests
      .filter((r) => r.answered !== undefined && r.answered < 300)
      .filter((r) => path === undefined || r.path === path)
      .map((r) => r.event);
  }

  /** Waits until `condition` holds, polling; fails the test after `timeoutMs`. */
  async until(condition: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
    await eventually(condition, {
      timeoutMs,
      intervalMs: 5,
      message: () => `a condition on the receiver's ${this.requests.length} requests`,
    });
  }

  /** Answers every held request with `status`. */
  release(status = 204): void {
    for (const { res, seen } of this.held.splice(0)) this.send(res, seen, status);
  }

  /** Closes the port: clients get ECONNREFUSED until `up()`. */
  async down(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.held.splice(0);
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
    this.server = this.createServer();
  }

  /** Listens again, on the same port as before. */
  async up(): Promise<void> {
    this.server.listen(this.port, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
  }

  stop(): Promise<void> {
    return this.server.listening ? this.down() : Promise.resolve();
  }

  private createServer(): Server {
    const app = express();
    app.use(express.raw({ type: 'application/json' }));
    app.use((req: Request, res: Response) => this.handle(req, res));
    return createServer(app);
  }

  private handle(req: Request, res: Response): void {
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const seen: ReceivedRequest = {
      path: req.path,
      headers: req.headers,
      rawBody: rawBody.toString('utf8'),
      verified: verify(this.secret, rawBody, req.headers),
      event: JSON.parse(rawBody.toString('utf8') || 'null') as ReceivedEvent,
    };
    this.requests.push(seen);
    const answer = this.answers.shift() ?? this.fallback;
    if (!seen.verified) return this.send(res, seen, 401);
    if (answer === 'hold') {
      this.held.push({ res, seen });
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.send(res, seen, answer.status);
    }, answer.delayMs ?? 0);
    this.timers.add(timer);
  }

  private send(res: Response, seen: ReceivedRequest, status: number): void {
    if (res.destroyed || res.writableEnded || res.socket?.destroyed !== false) return;
    seen.answered = status;
    res.status(status).end();
  }
}
