// docs/configuration.md's app: runtime configuration from the environment.
// test/docs/configuration.e2e-spec.ts boots it.
import { HealthModule, healthOptionsFromEnv } from '@nest-health/core';
import { HealthConfigModule, healthConfigOptionsFromEnv } from '@nest-health/core/config';
import { Module } from '@nestjs/common';

@Module({
  imports: [
    HealthModule.forRoot(healthOptionsFromEnv(process.env)),
    // HEALTH_ADMIN_KEYS, HEALTH_CONFIG_FILE, HEALTH_CONFIG_REDIS_URL, HEALTH_CONFIG_REDIS_KEY
    HealthConfigModule.forRoot(healthConfigOptionsFromEnv(process.env)),
  ],
})
export class AppModule {}
