import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { register } from 'prom-client';
import { HealthService } from './core/health.service';
import { HealthIndicatorExplorer } from './core/indicator.explorer';
import {
  ASYNC_OPTIONS_TYPE,
  ConfigurableModuleClass,
  OPTIONS_TYPE,
} from './health.module-definition';
import { HealthReportController } from './http/health-report.controller';
import { LegacyHealthController } from './http/legacy-health.controller';
import { HEALTH_METRICS_REGISTRY } from './metrics';
import { HealthMetrics } from './metrics/health.metrics';
import { ProbesController } from './http/probes.controller';
import { HealthTrends } from './trends/health-trends.service';
import { HealthScheduleModule } from './trends/trend-schedule.module';
import { TREND_PROVIDERS } from './trends/trend.providers';
import { TrendsController } from './trends/trends.controller';
import { WEBHOOK_PROVIDERS } from './webhooks/webhook.providers';

/**
 * `HealthModule.forRoot(options)` or `HealthModule.forRootAsync({ imports, inject, useFactory })`.
 * Global by default (`isGlobal`); serves the HTTP endpoints (legacy body, full report,
 * probes) unless `exposeHttp: false`.
 */
@Module({
  imports: [DiscoveryModule, HealthScheduleModule],
  providers: [
    HealthService,
    HealthIndicatorExplorer,
    HealthMetrics,
    {
      provide: HEALTH_METRICS_REGISTRY,
      inject: [HealthService],
      useFactory: (health: HealthService) => health.settings.metrics.registry ?? register,
    },
    ...TREND_PROVIDERS,
    ...WEBHOOK_PROVIDERS,
  ],
  exports: [HealthService, HealthTrends],
})
export class HealthModule extends ConfigurableModuleClass {
  static forRoot(options: typeof OPTIONS_TYPE = {}): DynamicModule {
    return withHttp(super.forRoot(options), options.exposeHttp);
  }

  static forRootAsync(options: typeof ASYNC_OPTIONS_TYPE): DynamicModule {
    return withHttp(super.forRootAsync(options), options.exposeHttp);
  }
}

function withHttp(module: DynamicModule, exposeHttp = true): DynamicModule {
  const controllers = [
    LegacyHealthController,
    HealthReportController,
    ProbesController,
    TrendsController,
  ];
  return exposeHttp ? { ...module, controllers } : module;
}
