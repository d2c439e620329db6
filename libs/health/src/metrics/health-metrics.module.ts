import type { DynamicModule, OnModuleInit, Type } from '@nestjs/common';
import { Controller, Get, Inject, Injectable, Module, Res, VERSION_NEUTRAL } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { Registry, RegistryContentType } from 'prom-client';
import { collectDefaultMetrics, register as globalRegistry } from 'prom-client';
import { HealthConfigurationError } from '../core/errors';
import { routeClashCheck } from '../shared/route-clash';
import { HealthMetrics } from './health.metrics';
import { HEALTH_METRICS_REGISTRY } from './metrics.constants';

export interface HealthMetricsOptions {
  /** The prom-client registry the metrics live in. Default: prom-client's global registry. */
  registry?: Registry<RegistryContentType>;
  /**
   * Where that registry is served, under the host's global prefix; `false` serves nothing (when
   * the app already serves it, e.g. with `@willsoto/nestjs-prometheus`). Default `metrics`.
   */
  path?: string | false;
  /** Also collect Node's process metrics (prom-client's default metrics). Default false. */
  defaultMetrics?: boolean;
}

const PATH = /^[A-Za-z0-9_~.@-]+(\/[A-Za-z0-9_~.@-]+)*$/;
const DEFAULT_METRIC = 'process_cpu_user_seconds_total';

/**
 * Prometheus metrics of the health engine: component and overall states, check durations, runs
 * and timeouts, fed by report events (a scrape never runs a check); served at `path`.
 * Needs `HealthModule` (global) in the app. Importing this entry needs `prom-client`.
 */
@Module({})
export class HealthMetricsModule {
  static forRoot(options: HealthMetricsOptions = {}): DynamicModule {
    const registry = resolveRegistry(options.registry);
    const path = resolvePath(options.path);
    if (options.defaultMetrics !== undefined && typeof options.defaultMetrics !== 'boolean') {
      throw new HealthConfigurationError(
        'metrics.defaultMetrics',
        options.defaultMetrics,
        'true or false',
      );
    }
    const controllers = path === false ? [] : [metricsController(path)];
    return {
      module: HealthMetricsModule,
      global: true,
      imports: [DiscoveryModule],
      controllers,
      providers: [
        { provide: HEALTH_METRICS_REGISTRY, useValue: registry },
        HealthMetrics,
        ...(options.defaultMetrics ? [DefaultMetrics] : []),
        routeClashCheck('HealthMetricsModule', controllers),
      ],
      exports: [HEALTH_METRICS_REGISTRY],
    };
  }
}

@Injectable()
class DefaultMetrics implements OnModuleInit {
  constructor(@Inject(HEALTH_METRICS_REGISTRY) private readonly registry: Registry) {}

  onModuleInit(): void {
    // Once per registry: prom-client refuses to register them twice.
    if (!this.registry.getSingleMetric(DEFAULT_METRIC))
      collectDefaultMetrics({ register: this.registry });
  }
}

function metricsController(path: string): Type {
  @Controller({ path, version: VERSION_NEUTRAL })
  class HealthMetricsController {
    constructor(@Inject(HEALTH_METRICS_REGISTRY) readonly registry: Registry) {}

    @Get()
    async scrape(
      @Res({ passthrough: true }) res: { header(name: string, value: string): unknown },
    ): Promise<string> {
      res.header('Content-Type', this.registry.contentType);
      res.header('Cache-Control', 'no-store');
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
  const value =
    typeof path === 'string' ? path.replace(/^\/+|\/+$/g, '') : path === undefined ? 'metrics' : '';
  if (typeof value !== 'string' || !PATH.test(value)) {
    throw new HealthConfigurationError(
      'metrics.path',
      path,
      'a URL path such as metrics, or false',
    );
  }
  return value;
}
