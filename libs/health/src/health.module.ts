import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { HealthService } from './core/health.service';
import { HealthIndicatorExplorer } from './core/indicator.explorer';
import {
  ASYNC_OPTIONS_TYPE,
  ConfigurableModuleClass,
  OPTIONS_TYPE,
} from './health.module-definition';
import { LegacyHealthController } from './http/legacy-health.controller';

/**
 * `HealthModule.forRoot(options)` or `HealthModule.forRootAsync({ imports, inject, useFactory })`.
 * Global by default (`isGlobal`); serves the HTTP endpoints unless `exposeHttp: false`.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [HealthService, HealthIndicatorExplorer],
  exports: [HealthService],
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
  return exposeHttp ? { ...module, controllers: [LegacyHealthController] } : module;
}
