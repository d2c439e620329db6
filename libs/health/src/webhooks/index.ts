// @nest-health/core/webhooks: signed webhooks on status changes. Needs the optional peer
// `cockatiel` (and `ioredis` for `dedup: 'redis'`).
import './peer';

export { HealthWebhooksModule } from './health-webhooks.module';
export type { WebhookOptions } from './webhook.options';
export { validateWebhookOptions } from './webhook.options';
export { healthWebhookOptionsFromEnv } from './webhook.env';
export { WebhookNotifier } from './webhook.notifier';
export type { WebhookStats } from './webhook.notifier';
export type { WebhookEvent } from './webhook.event';
export { signWebhook, verifyWebhookSignature } from './webhook.signature';
