import type { Provider } from '@nestjs/common';
import { HEALTH_WEBHOOK_TUNING } from './webhook.tuning';
import { WebhookNotifier } from './webhook.notifier';

/** What `HealthModule` provides for webhooks; override `HEALTH_WEBHOOK_TUNING` in tests. */
export const WEBHOOK_PROVIDERS: Provider[] = [
  WebhookNotifier,
  { provide: HEALTH_WEBHOOK_TUNING, useValue: {} },
];
