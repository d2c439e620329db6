import { randomBytes } from 'node:crypto';
import type { HealthStatus, SystemHealthStatus } from '../core/health-status';
import type { ComponentBody } from '../formats/report.format';
import { toComponentBody } from '../formats/report.format';

export type HealthEventType = 'report' | 'transition';

/** `event: report`: the full report as `GET <base>/components` answers it, with `checked_at`. */
export interface ReportEventData {
  overall_status: HealthStatus;
  timestamp: number;
  components: (ComponentBody & { checked_at: number })[];
}

/** `event: transition`: one status change; `component` is null for the system as a whole. */
export interface TransitionEventData {
  component: string | null;
  from: HealthStatus;
  to: HealthStatus;
  /** Epoch seconds of the report that showed it. */
  at: number;
  /** The component's message, for callers who may see details. */
  message?: string;
}

/**
 * One event of the stream. Its frame (`id:`, `event:`, `data:`) is built once per details
 * policy, on first use, and shared by every client of that policy.
 */
export class HealthEvent {
  private readonly frames: [Buffer | undefined, Buffer | undefined] = [undefined, undefined];

  constructor(
    readonly seq: number,
    readonly id: string,
    readonly type: HealthEventType,
    private readonly data: (details: boolean) => unknown,
  ) {}

  frame(details: boolean): Buffer {
    const i = details ? 1 : 0;
    return (this.frames[i] ??= Buffer.from(
      `id: ${this.id}\nevent: ${this.type}\ndata: ${JSON.stringify(this.data(details))}\n\n`,
      'utf8',
    ));
  }
}

/** The report as events show it: details (message, metadata) only when allowed. */
export function reportEventData(
  report: SystemHealthStatus,
  checkedAt: readonly number[],
  details: boolean,
): ReportEventData {
  return {
    overall_status: report.overall_status,
    timestamp: report.timestamp,
    components: report.components.map((c, i) => ({
      ...toComponentBody(c, details),
      checked_at: checkedAt[i],
    })),
  };
}

/** The status changes from one full report to the next: components first, then the system. */
export function transitionsBetween(
  previous: SystemHealthStatus,
  report: SystemHealthStatus,
): { data: (details: boolean) => TransitionEventData }[] {
  const at = report.timestamp;
  const before = new Map(previous.components.map((c) => [c.name, c.status]));
  const changes: { data: (details: boolean) => TransitionEventData }[] = [];
  for (const { name, status, message } of report.components) {
    const from = before.get(name);
    if (from === undefined || from === status) continue;
    changes.push({
      data: (details) => ({
        component: name,
        from,
        to: status,
        at,
        ...(details ? { message } : {}),
      }),
    });
  }
  if (previous.overall_status !== report.overall_status) {
    const data = {
      component: null,
      from: previous.overall_status,
      to: report.overall_status,
      at,
    };
    changes.push({ data: () => data });
  }
  return changes;
}

const ID = /^([0-9a-f]{8})-(\d{1,15})$/;

/**
 * The last events, for clients that reconnect with `Last-Event-ID`. Ids are `<boot>-<n>`: an id
 * of another process (a restart, another replica) is never taken for one of this process.
 * A report is the whole state, so only the latest one is kept: a client that resumes gets the
 * transitions it missed and the current report, and the log holds one report however many
 * (each of every component) came and went.
 */
export class EventLog {
  private readonly events: HealthEvent[] = [];
  private seq = 0;
  /** The newest event dropped for room (not a report superseded by a newer one). */
  private evictedThrough = 0;

  constructor(
    private readonly capacity: number,
    readonly boot: string = randomBytes(4).toString('hex'),
  ) {}

  append(type: HealthEventType, data: (details: boolean) => unknown): HealthEvent {
    this.seq++;
    const event = new HealthEvent(this.seq, `${this.boot}-${this.seq}`, type, data);
    if (type === 'report') {
      const superseded = this.events.findIndex((kept) => kept.type === 'report');
      if (superseded >= 0) this.events.splice(superseded, 1);
    }
    this.events.push(event);
    while (this.events.length > this.capacity) this.evictedThrough = this.events.shift()!.seq;
    return event;
  }

  /**
   * The events after the one with this id that are still needed, oldest first: every
   * transition and the latest report ([] when it is the latest event); undefined when that cannot
   * be told: no id, an id of another process, or transitions since then dropped for room.
   */
  after(lastEventId: string | undefined): HealthEvent[] | undefined {
    const match = ID.exec(lastEventId?.trim() ?? '');
    if (!match || match[1] !== this.boot) return undefined;
    const seen = Number(match[2]);
    if (seen > this.seq) return undefined;
    if (seen === this.seq) return [];
    if (seen < this.evictedThrough) return undefined;
    return this.events.filter((event) => event.seq > seen);
  }
}
