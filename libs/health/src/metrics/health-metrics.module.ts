import type {
  DynamicModule,
  FactoryProvider,
  ModuleMetadata,
  OnModuleDestroy,
  OnModuleInit,
  Provider,
  Type,
} from '@nestjs/common';
import {
  Controller,
  Get,
  Inject,
  Injectable,
  Logger,
  Module,
  Res,
  UseGuards,
  VERSION_NEUTRAL,
} from '@nestjs/common';
import { DiscoveryModule, DiscoveryService } from '@nestjs/core';
import type { Registry, RegistryContentType } from 'prom-client';
import { collectDefaultMetrics, register as globalRegistry } from 'prom-client';
import { HealthConfigurationError } from '../shared/errors';
import { routeClashCheck } from '../shared/route-clash';
import { routePath } from '../shared/routes';
import { HealthMetrics } from './health.metrics';
import { HEALTH_METRICS_REGISTRY } from './metrics.constants';
import { HealthMetricsGuard } from './metrics.guard';
import type { PrometheusModuleInApp } from './prometheus-module';
import {
  guardedBy,
  isRegistry,
  prometheusModuleIn,
  WILLSOTO,
  willsotoLoaded,
} from './prometheus-module';
import type { HealthMetricsRuntimeOptions, ResolvedMetricsSettings } from './metrics.settings';
import { HEALTH_METRICS_SETTINGS, resolveMetricsSettings } from './metrics.settings';

/** Where the metrics live and are served: known when the module is declared. */
export interface HealthMetricsPlacement {
  /**
   * The prom-client registry the metrics live in. Default: the one the app's `PrometheusModule`
   * (`@willsoto/nestjs-prometheus`) was given, if any; else prom-client's global registry.
   */
  registry?: Registry<RegistryContentType>;
  /**
   * Where that registry is served, under the host's global prefix; `false` serves nothing.
   * Unset: `metrics`, unless the app has `@willsoto/nestjs-prometheus`: then its
   * `PrometheusModule` serves the health series and no second `/metrics` is mounted.
   */
  path?: string | false;
}

export interface HealthMetricsOptions extends HealthMetricsPlacement, HealthMetricsRuntimeOptions {}

/** `forRootAsync`: the token, the collectors and `defaultMetrics` from a factory with DI. */
export interface HealthMetricsAsyncOptions extends HealthMetricsPlacement {
  imports?: ModuleMetadata['imports'];
  inject?: FactoryProvider['inject'];
  useFactory: (
    ...args: never[]
  ) => HealthMetricsRuntimeOptions | Promise<HealthMetricsRuntimeOptions>;
}

const DEFAULT_METRIC = 'process_cpu_user_seconds_total';

/**
 * Prometheus metrics of the health engine: component and overall states, check durations, runs
 * and timeouts, fed by report events (a scrape never runs a check); served at `path`, behind a
 * bearer token when one is set (`HealthMetricsGuard`); plus the metrics of any `collectors`
 * (cache, circuit breakers). In an app with `@willsoto/nestjs-prometheus`, its `PrometheusModule`
 * serves them (unless `path` is given). Needs `HealthModule` (global) in the app. Importing this
 * entry needs `prom-client`.
 */
@Module({})
export class HealthMetricsModule {
  static forRoot(options: HealthMetricsOptions = {}): DynamicModule {
    const { registry, path, ...runtime } = options;
    const settings = resolveMetricsSettings(runtime);
    return metricsModule({ registry, path }, [], {
      provide: HEALTH_METRICS_SETTINGS,
      useValue: settings,
    });
  }

  static forRootAsync(options: HealthMetricsAsyncOptions): DynamicModule {
    const useFactory = (options as Partial<HealthMetricsAsyncOptions> | undefined)?.useFactory;
    if (typeof useFactory !== 'function') {
      throw new HealthConfigurationError('metrics.useFactory', typeof useFactory, 'a function');
    }
    return metricsModule(options, options.imports ?? [], {
      provide: HEALTH_METRICS_SETTINGS,
      inject: options.inject ?? [],
      useFactory: async (...args: unknown[]) =>
        resolveMetricsSettings(await useFactory(...(args as never[]))),
    });
  }
}

function metricsModule(
  placement: HealthMetricsPlacement,
  imports: NonNullable<ModuleMetadata['imports']>,
  settings: Provider,
): DynamicModule {
  const registry =
    placement.registry === undefined ? undefined : resolveRegistry(placement.registry);
  const path = placement.path === undefined ? undefined : resolvePath(placement.path);
  // Unset path: decided when Nest scans the app (every module file has loaded by then): none when
  // the app has @willsoto/nestjs-prometheus, whose PrometheusModule serves the metrics.
  let decided: Type[] | undefined;
  const controllers = (): Type[] =>
    (decided ??=
      path === false || (path === undefined && willsotoLoaded())
        ? []
        : [metricsController(path ?? 'metrics')]);
  const placementProvider: Provider = {
    provide: METRICS_PLACEMENT,
    inject: [DiscoveryService],
    useFactory: (discovery: DiscoveryService): MetricsPlacement =>
      placeMetrics(discovery, registry, path, controllers().length > 0),
  };
  const module: DynamicModule = {
    module: HealthMetricsModule,
    global: true,
    imports: [DiscoveryModule, ...imports],
    providers: [
      settings,
      placementProvider,
      {
        provide: HEALTH_METRICS_REGISTRY,
        inject: [METRICS_PLACEMENT],
        useFactory: (placed: MetricsPlacement) => placed.registry,
      },
      HealthMetrics,
      HealthMetricsGuard,
      DefaultMetrics,
      MetricsCollectors,
      PlacementReport,
      routeClashCheck('HealthMetricsModule', controllers),
    ],
    exports: [HEALTH_METRICS_REGISTRY, HEALTH_METRICS_SETTINGS],
  };
  Object.defineProperty(module, 'controllers', { enumerable: true, get: controllers });
  return module;
}

/** Where the health metrics went: the registry, and who serves it. */
interface MetricsPlacement {
  registry: Registry<RegistryContentType>;
  /** `PrometheusModule` of the app, when it serves them (the path was left unset). */
  prometheus?: PrometheusModuleInApp;
  /** The path was left unset, willsoto is loaded, yet no `PrometheusModule` is in the app. */
  unserved: boolean;
}

const METRICS_PLACEMENT = Symbol('HEALTH_METRICS_PLACEMENT');

function placeMetrics(
  discovery: DiscoveryService,
  registry: Registry<RegistryContentType> | undefined,
  path: string | false | undefined,
  mounted: boolean,
): MetricsPlacement {
  const prometheus = path === undefined && !mounted ? prometheusModuleIn(discovery) : undefined;
  return {
    registry: registry ?? prometheus?.registry ?? globalRegistry,
    prometheus,
    unserved: path === undefined && !mounted && !prometheus,
  };
}

/**
 * Says at startup where the health series went when the app's `PrometheusModule` serves them (one
 * line), or that nothing does; refuses to start when a scrape token is set and that module's
 * controller does not check it.
 */
@Injectable()
class PlacementReport implements OnModuleInit {
  private readonly logger = new Logger(HealthMetrics.name);

  constructor(
    @Inject(METRICS_PLACEMENT) private readonly placed: MetricsPlacement,
    @Inject(HEALTH_METRICS_SETTINGS) private readonly settings: ResolvedMetricsSettings,
  ) {}

  onModuleInit(): void {
    const { prometheus, unserved } = this.placed;
    if (unserved) {
      this.logger.warn(
        `${WILLSOTO} is loaded but no PrometheusModule is in the app: nothing serves the health metrics (give HealthMetricsModule a path to serve them itself)`,
      );
    }
    if (!prometheus) return;
    const unguarded = prometheus.controllers.filter((c) => !guardedBy(c, HealthMetricsGuard));
    if (this.settings.tokens.length > 0 && unguarded.length > 0) {
      throw new HealthConfigurationError(
        'metrics.token',
        '***',
        `PrometheusModule's controller to check it: ${unguarded.map((c) => c.name).join(', ')} serves ${prometheus.path} without @UseGuards(HealthMetricsGuard) (see docs/metrics.md)`,
      );
    }
    const where = prometheus.registry
      ? 'the registry given to'
      : "prom-client's global registry, served by";
    this.logger.log(
      `Health metrics go into ${where} PrometheusModule (${WILLSOTO}) at ${prometheus.path}: no second /metrics mounted`,
    );
  }
}

@Injectable()
class DefaultMetrics implements OnModuleInit {
  constructor(
    @Inject(HEALTH_METRICS_REGISTRY) private readonly registry: Registry,
    @Inject(HEALTH_METRICS_SETTINGS) private readonly settings: ResolvedMetricsSettings,
  ) {}

  onModuleInit(): void {
    // Once per registry: prom-client refuses to register them twice.
    if (this.settings.defaultMetrics && !this.registry.getSingleMetric(DEFAULT_METRIC))
      collectDefaultMetrics({ register: this.registry });
  }
}

/** Attaches the collectors' metrics while the module lives. */
@Injectable()
class MetricsCollectors implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(HealthMetrics.name);

  constructor(
    @Inject(HEALTH_METRICS_REGISTRY) private readonly registry: Registry,
    @Inject(HEALTH_METRICS_SETTINGS) private readonly settings: ResolvedMetricsSettings,
  ) {}

  onModuleInit(): void {
    const taken = this.settings.collectors.flatMap((c) => c.attach(this.registry));
    if (taken.length > 0) {
      this.logger.warn(`Replaced collector metrics left in the registry: ${taken.join(', ')}`);
    }
  }

  onModuleDestroy(): void {
    for (const collector of this.settings.collectors) collector.detach(this.registry);
  }
}

function metricsController(path: string): Type {
  @Controller({ path, version: VERSION_NEUTRAL })
  @UseGuards(HealthMetricsGuard)
  class HealthMetricsController {
    constructor(@Inject(HEALTH_METRICS_REGISTRY) readonly registry: Registry) {}

    @Get()
    async scrape(
      @Res({ passthrough: true }) res: { header(name: string, value: string): unknown },
    ) {
      res.header('Content-Type', this.registry.contentType);
      return this.registry.metrics();
    }
  }
  return HealthMetricsController;
}

function resolveRegistry(registry: unknown): Registry<RegistryContentType> {
  if (!isRegistry(registry)) {
    throw new HealthConfigurationError(
      'metrics.registry',
      typeof registry,
      'a prom-client Registry',
    );
  }
  return registry;
}

function resolvePath(path: unknown): string | false {
  if (path === false) return false;
  return routePath('metrics.path', path, 'metrics', 'metrics, or false');
}
