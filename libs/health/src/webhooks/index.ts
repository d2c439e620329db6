export { WebhookNotifier } from './webhook.notifier';
export type { WebhookStats } from './webhook.notifier';
export { HEALTH_WEBHOOK_TUNING, WEBHOOK_TUNING_DEFAULTS } from './webhook.tuning';
export type { WebhookTuning } from './webhook.tuning';
export {
  WEBHOOK_EVENT,
  WEBHOOK_METRIC_NAMES,
  WEBHOOK_TOLERANCE_SECONDS,
} from './webhook.constants';
export type { WebhookEvent } from './webhook.event';
export { signWebhook, verifyWebhookSignature } from './webhook.signature';
export type { SignedRequest } from './webhook.signature';
