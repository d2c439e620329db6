import type { Metric, Registry } from 'prom-client';
import { Counter } from 'prom-client';
import type { ClaimResult, DeliveryResult } from './webhook.constants';
import { attachMetrics, detachMetrics } from '../metrics/registry-attachment';
import {
  CLAIM_RESULTS,
  DELIVERY_RESULTS,
  WEBHOOK_METRIC_NAMES as NAMES,
} from './webhook.constants';

/** The webhook counters: kept here for `stats()`, and as metrics while attached to a registry. */
export class WebhookInstruments {
  readonly deliveries: Record<DeliveryResult, number> = { delivered: 0, failed: 0, dropped: 0 };
  readonly claims: Record<ClaimResult, number> = { claimed: 0, duplicate: 0, unavailable: 0 };
  private readonly deliveryCounter = new Counter({
    name: NAMES.deliveries,
    help: 'Webhook events per receiver URL by how they ended: delivered, failed (after every attempt), dropped (queue full or shutdown).',
    labelNames: ['result'] as const,
    registers: [],
  });
  private readonly claimCounter = new Counter({
    name: NAMES.dedup,
    help: 'Status transitions by fleet de-duplication result: claimed, duplicate (another instance announced it), unavailable (Redis failed; announced anyway).',
    labelNames: ['result'] as const,
    registers: [],
  });

  constructor() {
    for (const result of DELIVERY_RESULTS) this.deliveryCounter.inc({ result }, 0);
    for (const result of CLAIM_RESULTS) this.claimCounter.inc({ result }, 0);
  }

  /** Registers the counters, replacing any another instance left; returns the names replaced. */
  attach(registry: Registry): string[] {
    return attachMetrics(registry, this.named());
  }

  /** Removes the metrics that are still this instance's from the registry. */
  detach(registry: Registry): void {
    detachMetrics(registry, this.named());
  }

  delivery(result: DeliveryResult): void {
    this.deliveries[result]++;
    this.deliveryCounter.inc({ result });
  }

  claim(result: ClaimResult): void {
    this.claims[result]++;
    this.claimCounter.inc({ result });
  }

  private named(): [string, Metric][] {
    return [
      [NAMES.deliveries, this.deliveryCounter],
      [NAMES.dedup, this.claimCounter],
    ];
  }
}
