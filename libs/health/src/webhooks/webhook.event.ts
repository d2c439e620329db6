import { randomUUID } from 'node:crypto';
import type { HealthStatus, SystemHealthStatus } from '../core/health-status';
import type { Redactor } from '../shared/redact';
import type { FullReportBody } from '../formats/report.format';
import { toFullReport } from '../formats/report.format';
import { WEBHOOK_EVENT } from './webhook.constants';
import type { Transition } from './transition.tracker';

/** The JSON body of every webhook request. */
export interface WebhookEvent {
  /** A UUID; the same across retries, and `X-Health-Delivery`. */
  id: string;
  event: typeof WEBHOOK_EVENT;
  service: string;
  /** The component that changed, or null for the system's overall status. */
  component: string | null;
  previous: HealthStatus;
  current: HealthStatus;
  /** When the evaluation that announced the change finished, in unix seconds. */
  timestamp: number;
  /** The full report of that evaluation, masked; messages and metadata only with `includeDetails`. */
  report: FullReportBody;
}

/** An event ready to send: its id and the exact bytes of its body, kept across retries. */
export interface OutgoingEvent {
  id: string;
  body: string;
}

export interface EventContext {
  service: string;
  includeDetails: boolean;
  /** The engine's redactor: every configured secret, the signing secret included. */
  redactor: Redactor;
}

export function buildWebhookEvent(
  transition: Transition,
  report: SystemHealthStatus,
  context: EventContext,
): WebhookEvent {
  const full = toFullReport(report, context.includeDetails);
  return {
    id: randomUUID(),
    event: WEBHOOK_EVENT,
    service: context.service,
    ...transition,
    timestamp: Math.floor(report.timestamp),
    report: context.redactor.data(full),
  };
}

export function toOutgoing(event: WebhookEvent): OutgoingEvent {
  return { id: event.id, body: JSON.stringify(event) };
}
