/** The `event` field and `X-Health-Event` header of every webhook. */
export const WEBHOOK_EVENT = 'health.status_changed';

/** How old (or how far ahead) a signature timestamp receivers should accept, in seconds. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/** Names of the webhook metrics, as scraped. */
export const WEBHOOK_METRIC_NAMES = {
  deliveries: 'health_webhook_deliveries_total',
  dedup: 'health_webhook_dedup_total',
} as const;

/** How one event ended for one URL. */
export type DeliveryResult = 'delivered' | 'failed' | 'dropped';
export const DELIVERY_RESULTS: readonly DeliveryResult[] = ['delivered', 'failed', 'dropped'];

/** What fleet de-duplication said about one transition. */
export type ClaimResult = 'claimed' | 'duplicate' | 'unavailable';
export const CLAIM_RESULTS: readonly ClaimResult[] = ['claimed', 'duplicate', 'unavailable'];
