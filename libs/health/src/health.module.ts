import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { HealthService } from './core/health.service';
import { HealthIndicatorExplorer } from './core/indicator.explorer';
import { TransitionLog } from './core/transition.log';
import { ConfigFileWatcher } from './core/config-file.watcher';
import { ConfigFleet } from './core/config-fleet';
import type { HealthModuleExtras } from './health.module-definition';
import {
  ASYNC_OPTIONS_TYPE,
  ConfigurableModuleClass,
  OPTIONS_TYPE,
} from './health.module-definition';
import { HealthHttpSettings } from './http/health-http.settings';
import { configController } from './http/config.controller';
import { HealthEventStream } from './http/event-stream';
import { eventsController } from './http/events.controller';
import { statusPageController } from './http/status-page.controller';
import { healthControllers } from './http/health.controllers';
import { resolveRoutes } from './http/http.options';
import { routeClashCheck } from './shared/route-clash';
import { HealthTrends } from './trends/health-trends.service';
import { TREND_PROVIDERS } from './trends/trend.providers';
import { trendsController } from './trends/trends.controller';

/**
 * `HealthModule.forRoot(options)` or `HealthModule.forRootAsync({ imports, inject, useFactory })`.
 * Global by default (`isGlobal`); serves the HTTP endpoints (legacy body, full report, probes,
 * trends) under `http.basePath` unless `exposeHttp: false`.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    HealthService,
    HealthIndicatorExplorer,
    HealthHttpSettings,
    TransitionLog,
    ConfigFileWatcher,
    ConfigFleet,
    ...TREND_PROVIDERS,
  ],
  exports: [HealthService, HealthTrends, ConfigFleet],
})
export class HealthModule extends ConfigurableModuleClass {
  static forRoot(options: typeof OPTIONS_TYPE = {}): DynamicModule {
    return withHttp(super.forRoot(options), options);
  }

  static forRootAsync(options: typeof ASYNC_OPTIONS_TYPE): DynamicModule {
    return withHttp(super.forRootAsync(options), options);
  }
}

function withHttp(module: DynamicModule, extras: HealthModuleExtras): DynamicModule {
  if (extras.exposeHttp === false) return module;
  const routes = resolveRoutes(extras.http);
  const controllers = [
    ...healthControllers(routes),
    ...(routes.endpoints.trends ? [trendsController(routes)] : []),
    ...(routes.endpoints.config ? [configController(routes)] : []),
    ...(routes.endpoints.status ? [statusPageController(routes)] : []),
    ...(routes.endpoints.events ? [eventsController(routes)] : []),
  ];
  return {
    ...module,
    controllers,
    providers: [
      ...(module.providers ?? []),
      routeClashCheck('HealthModule', controllers),
      ...(routes.endpoints.events ? [HealthEventStream] : []),
    ],
  };
}
