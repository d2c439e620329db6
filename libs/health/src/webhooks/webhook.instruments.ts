import type { Counter, Metric } from 'prom-client';
import type { MetricsRegistry } from '../shared/tokens';
import { loadPeer, PACKAGE_NAME } from '../shared/require-peer';
import type { ClaimResult, DeliveryResult } from './webhook.constants';
import { attachMetrics, detachMetrics } from '../shared/registry-attachment';
import {
  CLAIM_RESULTS,
  DELIVERY_RESULTS,
  WEBHOOK_METRIC_NAMES as NAMES,
} from './webhook.constants';

/** The webhook counters: kept here for `stats()`, and as metrics while attached to a registry. */
export class WebhookInstruments {
  readonly deliveries: Record<DeliveryResult, number> = { delivered: 0, failed: 0, dropped: 0 };
  readonly claims: Record<ClaimResult, number> = { claimed: 0, duplicate: 0, unavailable: 0 };
  private counters?: { deliveries: Counter<'result'>; claims: Counter<'result'> };

  /**
   * Registers the counters (made now: prom-client loads only when metrics are used), replacing
   * any another instance left; returns the names replaced.
   */
  attach(registry: MetricsRegistry): string[] {
    const { Counter } = loadPeer<typeof import('prom-client')>(
      'prom-client',
      `${PACKAGE_NAME}/webhooks metrics`,
    );
    const deliveries = new Counter({
      name: NAMES.deliveries,
      help: 'Webhook events per receiver URL by how they ended: delivered, failed (after every attempt), dropped (queue full or shutdown).',
      labelNames: ['result'] as const,
      registers: [],
    });
    const claims = new Counter({
      name: NAMES.dedup,
      help: 'Status transitions by fleet de-duplication result: claimed, duplicate (another instance announced it), unavailable (Redis failed; announced anyway).',
      labelNames: ['result'] as const,
      registers: [],
    });
    for (const result of DELIVERY_RESULTS) deliveries.inc({ result }, this.deliveries[result]);
    for (const result of CLAIM_RESULTS) claims.inc({ result }, this.claims[result]);
    this.counters = { deliveries, claims };
    return attachMetrics(registry, this.named());
  }

  /** Removes the metrics that are still this instance's from the registry. */
  detach(registry: MetricsRegistry): void {
    detachMetrics(registry, this.named());
  }

  delivery(result: DeliveryResult): void {
    this.deliveries[result]++;
    this.counters?.deliveries.inc({ result });
  }

  claim(result: ClaimResult): void {
    this.claims[result]++;
    this.counters?.claims.inc({ result });
  }

  private named(): [string, Metric][] {
    if (!this.counters) return [];
    return [
      [NAMES.deliveries, this.counters.deliveries],
      [NAMES.dedup, this.counters.claims],
    ];
  }
}
