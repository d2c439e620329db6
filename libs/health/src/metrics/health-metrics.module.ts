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
  Req,
  Res,
  UnauthorizedException,
  VERSION_NEUTRAL,
} from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { IncomingMessage } from 'node:http';
import type { Registry, RegistryContentType } from 'prom-client';
import { collectDefaultMetrics, register as globalRegistry } from 'prom-client';
import { HealthConfigurationError } from '../shared/errors';
import { isAuthorized } from '../shared/api-key';
import { routeClashCheck } from '../shared/route-clash';
import { routePath } from '../shared/routes';
import { HealthMetrics } from './health.metrics';
import { HEALTH_METRICS_REGISTRY } from './metrics.constants';
import type { HealthMetricsRuntimeOptions, ResolvedMetricsSettings } from './metrics.settings';
import { HEALTH_METRICS_SETTINGS, resolveMetricsSettings } from './metrics.settings';

/** Where the metrics live and are served: known when the module is declared. */
export interface HealthMetricsPlacement {
  /** The prom-client registry the metrics live in. Default: prom-client's global registry. */
  registry?: Registry<RegistryContentType>;
  /**
   * Where that registry is served, under the host's global prefix; `false` serves nothing (when
   * the app already serves it, e.g. with `@willsoto/nestjs-prometheus`). Default `metrics`.
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
 * bearer token when one is set; plus the metrics of any `collectors` (cache, circuit breakers).
 * Needs `HealthModule` (global) in the app. Importing this entry needs `prom-client`.
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
  const registry = resolveRegistry(placement.registry);
  const path = resolvePath(placement.path);
  const controllers = path === false ? [] : [metricsController(path)];
  return {
    module: HealthMetricsModule,
    global: true,
    imports: [DiscoveryModule, ...imports],
    controllers,
    providers: [
      { provide: HEALTH_METRICS_REGISTRY, useValue: registry },
      settings,
      HealthMetrics,
      DefaultMetrics,
      MetricsCollectors,
      routeClashCheck('HealthMetricsModule', controllers),
    ],
    exports: [HEALTH_METRICS_REGISTRY],
  };
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
  class HealthMetricsController {
    constructor(
      @Inject(HEALTH_METRICS_REGISTRY) readonly registry: Registry,
      @Inject(HEALTH_METRICS_SETTINGS) readonly settings: ResolvedMetricsSettings,
    ) {}

    @Get()
    async scrape(
      @Req() req: IncomingMessage,
      @Res({ passthrough: true }) res: { header(name: string, value: string): unknown },
    ): Promise<string> {
      res.header('Cache-Control', 'no-store');
      const { tokens } = this.settings;
      // Compared in constant time over equal-length digests; a refusal says nothing more.
      if (tokens.length > 0 && !isAuthorized(req.headers, tokens)) {
        res.header('WWW-Authenticate', 'Bearer realm="metrics"');
        throw new UnauthorizedException();
      }
      res.header('Content-Type', this.registry.contentType);
      return this.registry.metrics();
    }
  }
  return HealthMetricsController;
}

function resolveRegistry(registry: unknown): Registry<RegistryContentType> {
  if (registry === undefined) return globalRegistry;
  if (typeof (registry as Registry | null)?.registerMetric !== 'function') {
    throw new HealthConfigurationError(
      'metrics.registry',
      typeof registry,
      'a prom-client Registry',
    );
  }
  return registry as Registry<RegistryContentType>;
}

function resolvePath(path: unknown): string | false {
  if (path === false) return false;
  return routePath('metrics.path', path, 'metrics', 'metrics, or false');
}
