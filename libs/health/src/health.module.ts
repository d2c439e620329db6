import type { DynamicModule, Provider, Type } from '@nestjs/common';
import { Module, VERSION_NEUTRAL } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { HealthEngineOptions } from './core/engine.options';
import { ENGINE_OPTIONS } from './core/engine.options';
import { EvaluationJob } from './core/evaluation-job';
import { HealthService } from './core/health.service';
import { HealthIndicatorExplorer } from './core/indicator.explorer';
import { DETAILS_ACCESS, TREND_SOURCE } from './core/ports';
import { TransitionLog } from './core/transition.log';
import { HealthEventStream } from './events/event-stream';
import { eventsController } from './events/events.controller';
import type { HealthModuleExtras } from './health.module-definition';
import {
  ASYNC_OPTIONS_TYPE,
  ConfigurableModuleClass,
  OPTIONS_TYPE,
} from './health.module-definition';
import type { HealthModuleOptions } from './health.options';
import { HealthHttpSettings } from './http/health-http.settings';
import { healthControllers } from './http/health.controllers';
import { resolveRoutes } from './http/http.options';
import { Described, HealthConfigurationError } from './shared/errors';
import { routeClashCheck } from './shared/route-clash';
import { HEALTH_MODULE_OPTIONS } from './shared/tokens';
import { STATUS_PAGE_EVENTS, statusPageController } from './status-page/status-page.controller';
import { HealthTrends } from './trends/health-trends.service';
import { TREND_PROVIDERS } from './trends/trend.providers';
import { trendsController } from './trends/trends.controller';

/** The engine's slice of the module options; details keys are secrets however they came. */
function engineOptions(options: HealthModuleOptions | undefined): HealthEngineOptions {
  const given = options ?? {};
  const keys = Array.isArray(given.detailsKeys) ? given.detailsKeys : [];
  const secrets = Array.isArray(given.secrets) ? given.secrets : [];
  return keys.length > 0 ? { ...given, secrets: [...secrets, ...keys] } : given;
}

/**
 * `HealthModule.forRoot(options)` or `HealthModule.forRootAsync({ imports, inject, useFactory })`.
 * Global by default (`isGlobal`). Serves the report (negotiated by media type) and the probes
 * under `http.basePath`; the legacy body, trends, the status page and the event stream only when
 * `http.endpoints` turns them on; nothing when `exposeHttp: false`.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    { provide: ENGINE_OPTIONS, inject: [HEALTH_MODULE_OPTIONS], useFactory: engineOptions },
    HealthService,
    EvaluationJob,
    HealthIndicatorExplorer,
    TransitionLog,
    HealthHttpSettings,
    { provide: DETAILS_ACCESS, useExisting: HealthHttpSettings },
  ],
  exports: [HealthService, DETAILS_ACCESS],
})
export class HealthModule extends ConfigurableModuleClass {
  static forRoot(options: typeof OPTIONS_TYPE = {}): DynamicModule {
    return withParts(super.forRoot(options), options);
  }

  static forRootAsync(options: typeof ASYNC_OPTIONS_TYPE): DynamicModule {
    refuseOptionsBesideFactory(options);
    return withParts(super.forRootAsync(options), options);
  }
}

/** Every name of `HealthModuleOptions`: the compiler keeps this list complete. */
const MODULE_OPTION_NAMES = Object.keys({
  version: true,
  defaultTimeoutMs: true,
  retries: true,
  retryBaseDelayMs: true,
  cacheTtlMs: true,
  failureCacheTtlMs: true,
  checks: true,
  components: true,
  enabledComponents: true,
  secrets: true,
  evaluationIntervalMs: true,
  startupGraceMs: true,
  responseBudgetMs: true,
  clock: true,
  configSources: true,
  unreadVariables: true,
  details: true,
  detailsKeys: true,
  authorizeDetails: true,
  legacy: true,
  writers: true,
  probeTimeoutMs: true,
  shutdownDelayMs: true,
  shutdownTimeoutMs: true,
  logTransitions: true,
  logFormat: true,
  trends: true,
  events: true,
} satisfies Record<keyof HealthModuleOptions, true>);

/**
 * A module option beside `useFactory` (`forRootAsync({ version, useFactory })`) would be dropped
 * without a word: Nest reads only the extras there. Refused, naming it.
 */
function refuseOptionsBesideFactory(options: object): void {
  const misplaced = MODULE_OPTION_NAMES.find((name) => Object.hasOwn(options, name));
  if (misplaced === undefined) return;
  throw new HealthConfigurationError(
    `forRootAsync({ ${misplaced} })`,
    new Described('given beside useFactory, where Nest drops it'),
    'it in the object useFactory returns; beside useFactory go only imports, inject, useClass, useExisting and the extras isGlobal, exposeHttp, recordTrends, http',
  );
}

/** The routes and the parts behind them that the app turned on (`http.endpoints`). */
function withParts(module: DynamicModule, extras: HealthModuleExtras): DynamicModule {
  if (extras.recordTrends !== undefined && typeof extras.recordTrends !== 'boolean') {
    throw new HealthConfigurationError('recordTrends', extras.recordTrends, 'true or false');
  }
  const routes = resolveRoutes(extras.http);
  const { endpoints } = routes;
  const recordTrends = extras.recordTrends === true || endpoints.trends || endpoints.status;
  // Without HTTP, trends asked for are still recorded, for HealthTrends from code.
  if (extras.exposeHttp === false) return recordTrends ? withTrends(module) : module;
  const version = routes.version ?? VERSION_NEUTRAL;
  const controllers: Type[] = [
    ...healthControllers(routes),
    ...(endpoints.trends ? [trendsController(routes.basePath, version)] : []),
    ...(endpoints.status ? [statusPageController(routes.basePath, version)] : []),
    ...(endpoints.events ? [eventsController(routes.basePath, version)] : []),
  ];
  const parts = recordTrends ? withTrends(module) : module;
  const providers: Provider[] = [
    ...(parts.providers ?? []),
    routeClashCheck('HealthModule', controllers),
    ...(endpoints.events ? [HealthEventStream] : []),
    ...(endpoints.status ? [{ provide: STATUS_PAGE_EVENTS, useValue: endpoints.events }] : []),
  ];
  return {
    ...module,
    controllers,
    providers,
    exports: parts.exports,
  };
}

/** Trends recorded from the periodic evaluations, `HealthTrends` and the `TREND_SOURCE` port. */
function withTrends(module: DynamicModule): DynamicModule {
  return {
    ...module,
    providers: [...(module.providers ?? []), ...TREND_PROVIDERS],
    exports: [...(module.exports ?? []), HealthTrends, TREND_SOURCE],
  };
}
