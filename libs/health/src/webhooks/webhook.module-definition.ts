import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { WebhookOptions } from './webhook.options';

export const {
  ConfigurableModuleClass: WebhooksModuleClass,
  MODULE_OPTIONS_TOKEN: HEALTH_WEBHOOK_OPTIONS,
  OPTIONS_TYPE: WEBHOOK_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: WEBHOOK_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<WebhookOptions>({ moduleName: 'HealthWebhooks' })
  .setClassMethodName('forRoot')
  .build();
