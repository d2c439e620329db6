import type { OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import type { Unregister } from '../core/health-check';
import type { SystemHealthStatus } from '../core/health-status';
import { HealthService } from '../core/health.service';
import { clientAddressKey } from './client-address';
import type { HealthEventsOptions, ResolvedEventsSettings } from './events.options';
import { resolveEventsSettings } from './events.options';
import type { HealthEvent } from './health-event';
import { EventLog, reportEventData, transitionsBetween } from './health-event';
import type { DetailsAccess, HealthRequest } from '../core/ports';
import { DETAILS_ACCESS } from '../core/ports';
import { HEALTH_MODULE_OPTIONS } from '../shared/tokens';
import type { RawResponse } from '../shared/send';

interface Client {
  res: ServerResponse;
  details: boolean;
  /** Who it counts as for `maxClientsPerAddress`. */
  address: string;
}

/** The request, with the socket it came on (Node's request and Fastify's both have it). */
export type StreamRequest = HealthRequest & {
  readonly socket?: { readonly remoteAddress?: string };
};

/** How often a connected stream looks whether the service has begun to drain. */
const DRAIN_POLL_MS = 250;

const STREAM_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-store',
  // A stream ends with its connection: nothing idle is left behind at shutdown.
  Connection: 'close',
  // Proxies such as nginx must pass events on as they come.
  'X-Accel-Buffering': 'no',
  'X-Content-Type-Options': 'nosniff',
};

const HEARTBEAT = Buffer.from(': heartbeat\n\n');

/** Seconds a client refused for a limit is told to wait: a place frees when a stream ends. */
const LIMIT_RETRY_AFTER = '5';

/**
 * `GET <base>/events`: every full report (`event: report`) and every status change
 * (`event: transition`) as server-sent events, with the reports' details rule. Bounded
 * everywhere: clients (`maxClients`, and `maxClientsPerAddress` from one address), the events kept for `Last-Event-ID` (`replay`), the bytes a
 * client may leave unread (`maxBufferedBytes`: past it, the client is dropped), report events
 * per second (`reportIntervalMs`). Streams end when the service drains or closes.
 */
@Injectable()
export class HealthEventStream implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('HealthEvents');
  private readonly settings: ResolvedEventsSettings;
  private readonly log: EventLog;
  private readonly clients = new Set<Client>();
  private readonly perAddress = new Map<string, number>();
  private unsubscribe?: Unregister;
  private previous?: SystemHealthStatus;
  private baselined = false;
  private latestReport?: HealthEvent;
  private lastReportAt = -Infinity;
  private held?: { report: SystemHealthStatus; checkedAt: number[] };
  private holdTimer?: NodeJS.Timeout;
  private heartbeat?: NodeJS.Timeout;
  private drainWatch?: NodeJS.Timeout;
  private closed = false;
  private droppedClients = 0;

  constructor(
    private readonly health: HealthService,
    @Inject(DETAILS_ACCESS) private readonly access: DetailsAccess,
    @Inject(HEALTH_MODULE_OPTIONS) options: { events?: HealthEventsOptions } | undefined,
  ) {
    this.settings = resolveEventsSettings(options?.events);
    this.log = new EventLog(this.settings.replay);
  }

  /** Clients connected now. */
  get clientCount(): number {
    return this.clients.size;
  }

  /** Addresses with a stream now: an address is forgotten with its last stream. */
  get addressCount(): number {
    return this.perAddress.size;
  }

  /** Clients dropped since startup for leaving more than `maxBufferedBytes` unread. */
  get dropped(): number {
    return this.droppedClients;
  }

  onModuleInit(): void {
    this.unsubscribe = this.health.onReport((report, { full, settled }) => {
      if (full) this.observe(report, settled);
    });
  }

  onModuleDestroy(): void {
    this.closed = true;
    this.unsubscribe?.();
    clearTimeout(this.holdTimer);
    this.closeAll();
  }

  /**
   * Takes a request over as a stream: 503 while draining or when `maxClients` are connected, 429
   * when `maxClientsPerAddress` are connected from the request's address; otherwise `retry:`, then the events after `Last-Event-ID` (header, or `?lastEventId=`) when
   * they are all still kept, else the latest report; then every event as it comes.
   */
  async connect(req: StreamRequest, response: RawResponse): Promise<void> {
    const address = clientAddressKey(req.socket?.remoteAddress);
    if (this.refuse(response, address)) return;
    const details = await this.access.details(req);
    // Checked again: the details hook may have taken a while.
    if (this.refuse(response, address)) return;
    // A report held back by `reportIntervalMs` is newer than the latest one sent: a client that
    // connects now must start from it (the page it comes from shows it already), so it goes out.
    if (this.held) this.sendReport(this.held.report, this.held.checkedAt);
    const res = takeOver(response);
    // Node's server sets no delay on its sockets: each event leaves at once.
    res.writeHead(200, STREAM_HEADERS);
    const client: Client = { res, details, address };
    this.add(client);
    res.on('close', () => this.remove(client));
    this.send(client, `retry: ${this.settings.retryMs}\n\n`);
    const missed = this.log.after(lastEventIdOf(req));
    const events = missed ?? (this.latestReport ? [this.latestReport] : []);
    for (const event of events) this.send(client, event.frame(details));
    this.startTimers();
  }

  /** Takes one full report: its transitions (after the settled baseline) and the report itself. */
  private observe(report: SystemHealthStatus, settled: boolean): void {
    const checkedAt = this.checkedAt(report);
    const previous = this.previous;
    const comparable = previous !== undefined && this.baselined && settled;
    this.previous = report;
    this.baselined = settled;
    const changes = comparable ? transitionsBetween(previous, report) : [];
    const now = this.health.clock.monotonicMs();
    if (changes.length > 0 || now - this.lastReportAt >= this.settings.reportIntervalMs) {
      this.sendReport(report, checkedAt);
    } else {
      this.hold(report, checkedAt, now);
    }
    for (const change of changes) this.broadcast(this.log.append('transition', change.data));
  }

  /** Keeps the latest report held back, and sends it when the interval is up. */
  private hold(report: SystemHealthStatus, checkedAt: number[], now: number): void {
    this.held = { report, checkedAt };
    if (this.holdTimer) return;
    this.holdTimer = setTimeout(
      () => {
        // Sending a report (or closing) clears this timer: when it fires, a report is held.
        const { report, checkedAt } = this.held!;
        this.sendReport(report, checkedAt);
      },
      this.lastReportAt + this.settings.reportIntervalMs - now,
    );
    this.holdTimer.unref();
  }

  private sendReport(report: SystemHealthStatus, checkedAt: number[]): void {
    this.held = undefined;
    clearTimeout(this.holdTimer);
    this.holdTimer = undefined;
    this.lastReportAt = this.health.clock.monotonicMs();
    const event = this.log.append('report', (details) =>
      reportEventData(report, checkedAt, details),
    );
    this.latestReport = event;
    this.broadcast(event);
  }

  /** When each component's result was produced (a cached one is older than its report). */
  private checkedAt(report: SystemHealthStatus): number[] {
    return report.components.map((component) => {
      const run = this.health.runOf(component);
      return run ? Math.round(run.finishedAtEpochMs) / 1000 : report.timestamp;
    });
  }

  private broadcast(event: HealthEvent): void {
    for (const client of this.clients) this.send(client, event.frame(client.details));
  }

  /** Writes to one client; one that leaves more than `maxBufferedBytes` unread is dropped. */
  private send(client: Client, chunk: Buffer | string): void {
    const { res } = client;
    if (!this.clients.has(client) || res.destroyed) return;
    res.write(chunk);
    if (res.writableLength <= this.settings.maxBufferedBytes) return;
    this.droppedClients++;
    this.logger.warn(
      `Dropped a slow event-stream client: ${res.writableLength} bytes unread (limit ${this.settings.maxBufferedBytes})`,
    );
    this.remove(client);
    res.destroy();
  }

  /**
   * Answers (and returns true) while the stream takes no more clients: 503 for all of them, 429
   * for this address only (the service is not unavailable, and a proxy does not retry a 429 on
   * the next instance, where the same address would take places too).
   */
  private refuse(response: RawResponse, address: string): boolean {
    const retryAfter = String(Math.ceil(this.settings.retryMs / 1000));
    if (this.closed || this.health.isDraining) {
      plain(response, 503, 'the service is draining: connect to another instance\n', retryAfter);
      return true;
    }
    const { maxClients, maxClientsPerAddress } = this.settings;
    if (this.clients.size >= maxClients) {
      const body = `too many event-stream clients (limit ${maxClients}): retry later\n`;
      plain(response, 503, body, LIMIT_RETRY_AFTER);
      return true;
    }
    if ((this.perAddress.get(address) ?? 0) >= maxClientsPerAddress) {
      const body = `too many event-stream clients from one address (limit ${maxClientsPerAddress} per address): retry later\n`;
      plain(response, 429, body, LIMIT_RETRY_AFTER);
      return true;
    }
    return false;
  }

  private add(client: Client): void {
    this.clients.add(client);
    this.perAddress.set(client.address, (this.perAddress.get(client.address) ?? 0) + 1);
  }

  /** Frees the client's places (once: a dropped client closes after it was removed). */
  private remove(client: Client): void {
    if (!this.clients.delete(client)) return;
    const left = this.perAddress.get(client.address)! - 1;
    if (left > 0) this.perAddress.set(client.address, left);
    else this.perAddress.delete(client.address);
    if (this.clients.size === 0) this.stopTimers();
  }

  /** Ends every stream (clients reconnect elsewhere); what cannot be flushed is cut. */
  private closeAll(): void {
    for (const { res } of this.clients) {
      res.end();
      if (res.writableLength > 0) res.destroy();
    }
    this.clients.clear();
    this.perAddress.clear();
    this.stopTimers();
  }

  private startTimers(): void {
    if (this.heartbeat || this.clients.size === 0) return;
    this.heartbeat = setInterval(() => {
      for (const client of this.clients) this.send(client, HEARTBEAT);
    }, this.settings.heartbeatMs);
    this.drainWatch = setInterval(() => {
      if (this.health.isDraining) this.closeAll();
    }, DRAIN_POLL_MS);
    // Streams never keep a process alive by their timers.
    this.heartbeat.unref();
    this.drainWatch.unref();
  }

  private stopTimers(): void {
    clearInterval(this.heartbeat);
    clearInterval(this.drainWatch);
    this.heartbeat = undefined;
    this.drainWatch = undefined;
  }
}

/** The Node response under Express's (it is one) or Fastify's reply, which is told to let go. */
function takeOver(response: RawResponse): ServerResponse {
  if ('raw' in response) {
    response.hijack?.();
    return response.raw;
  }
  return response;
}

function plain(response: RawResponse, status: number, body: string, retryAfter: string): void {
  const res = takeOver(response);
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
    'Retry-After': retryAfter,
  });
  res.end(body);
}

/** `Last-Event-ID`, or `?lastEventId=` for clients that cannot set headers. */
function lastEventIdOf(req: HealthRequest): string | undefined {
  const header = req.headers['last-event-id'];
  if (typeof header === 'string') return header;
  const query = (req.url ?? '').split('?')[1];
  return query ? (new URLSearchParams(query).get('lastEventId') ?? undefined) : undefined;
}
