import './peer';

export { HealthWebhooksModule } from './health-webhooks.module';
export { HEALTH_WEBHOOK_OPTIONS } from './webhook.module-definition';
export { WebhookNotifier } from './webhook.notifier';
export type { WebhookStats } from './webhook.notifier';
export { validateWebhookOptions, WEBHOOK_DEDUP, WEBHOOK_DEFAULTS } from './webhook.options';
export type { WebhookDedup, WebhookOptions } from './webhook.options';
export { healthWebhookOptionsFromEnv } from './webhook.env';
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
