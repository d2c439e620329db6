import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import {
  WEBHOOK_ASYNC_OPTIONS_TYPE,
  WEBHOOK_OPTIONS_TYPE,
  WebhooksModuleClass,
} from './webhook.module-definition';
import { WebhookNotifier } from './webhook.notifier';
import { HEALTH_WEBHOOK_TUNING } from './webhook.tuning';

/**
 * Signed status-change webhooks: `HealthWebhooksModule.forRoot({ urls, secret, ... })` (or
 * `forRootAsync`). A plain listener of the engine's full reports; needs `HealthModule` in the
 * app. Counters go to the metrics registry when `HealthMetricsModule` is imported too.
 */
@Module({
  providers: [WebhookNotifier, { provide: HEALTH_WEBHOOK_TUNING, useValue: {} }],
  exports: [WebhookNotifier],
})
export class HealthWebhooksModule extends WebhooksModuleClass {
  static forRoot(options: typeof WEBHOOK_OPTIONS_TYPE): DynamicModule {
    return super.forRoot(options);
  }

  static forRootAsync(options: typeof WEBHOOK_ASYNC_OPTIONS_TYPE): DynamicModule {
    return super.forRootAsync(options);
  }
}
