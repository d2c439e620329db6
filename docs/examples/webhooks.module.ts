// docs/webhooks.md's app: webhooks from code, or from the environment.
// test/docs/webhooks.e2e-spec.ts boots both with a real receiver.
import { HealthModule, HealthStatus } from '@nest-health/core';
import { HealthWebhooksModule, healthWebhookOptionsFromEnv } from '@nest-health/core/webhooks';
import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';

const checks = [{ name: 'payments', check: () => ({ status: HealthStatus.HEALTHY }) }];

@Module({
  imports: [
    HealthModule.forRoot({ checks }),
    HealthWebhooksModule.forRoot({
      urls: [process.env.OPS_WEBHOOK_URL!], // https://ops.example.com/hooks/health
      secret: process.env.HEALTH_WEBHOOK_SECRET,
      minConsecutive: 3,
      cooldownMs: 5 * 60_000,
    }),
  ],
})
export class AppModule {}

// or, from the variables above:
@Module({
  imports: [
    HealthModule.forRoot({ checks }),
    HealthWebhooksModule.forRootAsync({
      imports: [ConfigModule.forRoot()],
      inject: [ConfigService],
      useFactory: (config: ConfigService) => healthWebhookOptionsFromEnv(config),
    }),
  ],
})
export class AppModuleFromEnv {}
