import type { INestApplicationContext, Type } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import {
  ApiBody,
  ApiConsumes,
  ApiExtraModels,
  ApiHeader,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { HealthConfigurationError } from '../shared/errors';
import type { HealthControllerDoc, HealthRouteDoc } from './health-openapi.routes';
import { HEALTH_ROUTE_DOCS } from './health-openapi.routes';
import { HEALTH_OPENAPI_MODELS } from './health-openapi.schemas';

export interface HealthOpenApiOptions {
  /** Tag of the health routes. Default `health`. */
  tag?: string;
  /** Tag of `GET /metrics`. Default `metrics`. */
  metricsTag?: string;
}

/**
 * The library's modules whose controllers are health routes, by name: importing them here would
 * tie this entry to every other (and load their optional peers).
 */
const HEALTH_MODULES = [
  'HealthModule',
  'HealthConfigModule',
  'HealthMetricsModule',
  'HealthTerminusModule',
];

function isHealthModule(metatype: unknown): boolean {
  return typeof metatype === 'function' && HEALTH_MODULES.includes(metatype.name);
}

/** Marks a controller class already described: a second call adds nothing twice. */
const DESCRIBED = Symbol.for('@nest-health/core:openapi-described');

/**
 * Describes every health route the app serves (legacy body, reports, probes, trends,
 * configuration, metrics, Terminus format) with `@nestjs/swagger`'s decorators: summary,
 * parameters, status codes, response schemas and media types. Call it before
 * `SwaggerModule.createDocument(app, config)`; the paths follow the app's global prefix,
 * versioning and each module's options, as swagger reads them. Returns the number of routes
 * described.
 */
export function documentHealthEndpoints(
  app: Pick<INestApplicationContext, 'get'>,
  options: HealthOpenApiOptions = {},
): number {
  const tags = {
    health: tagOf('tag', options.tag, 'health'),
    metrics: tagOf('metricsTag', options.metricsTag, 'metrics'),
  };
  let described = 0;
  for (const [type, doc] of healthControllers(app)) {
    described += describeController(type, doc, tags[doc.group]);
  }
  return described;
}

/**
 * The controller classes of the library's modules in the app, with their docs; and the
 * controller of `@willsoto/nestjs-prometheus`'s `PrometheusModule` when the health metrics are in
 * the registry it serves (`HealthMetricsModule` mounting no route of its own).
 */
function healthControllers(
  app: Pick<INestApplicationContext, 'get'>,
): [Type, HealthControllerDoc][] {
  const found: [Type, HealthControllerDoc][] = [];
  const modules = [...app.get(ModulesContainer).values()];
  const metrics = modules.find((module) => module.metatype?.name === 'HealthMetricsModule');
  const willsotoServes = metrics !== undefined && metrics.controllers.size === 0;
  for (const module of modules) {
    const prometheus = willsotoServes && module.metatype?.name === 'PrometheusModule';
    if (!prometheus && !isHealthModule(module.metatype)) continue;
    for (const { metatype } of module.controllers.values()) {
      if (typeof metatype !== 'function') continue;
      const doc = prometheus ? PROMETHEUS_CONTROLLER_DOC : HEALTH_ROUTE_DOCS[metatype.name];
      if (doc) found.push([metatype as Type, doc]);
    }
  }
  return found;
}

/** willsoto's `PrometheusController` (or the app's subclass): its `index` is our scrape. */
const PROMETHEUS_CONTROLLER_DOC: HealthControllerDoc = {
  group: 'metrics',
  routes: { index: HEALTH_ROUTE_DOCS.HealthMetricsController.routes.scrape },
};

function describeController(type: Type, doc: HealthControllerDoc, tag: string): number {
  const routes = Object.entries(doc.routes).filter(([handler]) => handlerOf(type, handler));
  if (Reflect.getMetadata(DESCRIBED, type)) return routes.length;
  ApiTags(tag)(type);
  ApiExtraModels(...HEALTH_OPENAPI_MODELS)(type);
  for (const [handler, route] of routes) describeRoute(type, handler, route);
  Reflect.defineMetadata(DESCRIBED, true, type);
  return routes.length;
}

function describeRoute(type: Type, handler: string, route: HealthRouteDoc): void {
  const descriptor = handlerOf(type, handler) as PropertyDescriptor;
  const target = type.prototype as object;
  const decorators: MethodDecorator[] = [
    ApiOperation({ summary: route.summary, description: route.description }),
    ...(route.params ?? []).map((param) => ApiParam(param)),
    ...(route.headers ?? []).map((header) => ApiHeader(header)),
    ...(route.queries ?? []).map((query) => ApiQuery(query)),
    ...(route.body ? [ApiBody(route.body)] : []),
    ...(route.consumes ? [ApiConsumes(...route.consumes)] : []),
    ...route.responses.map((response) => ApiResponse(response)),
  ];
  for (const decorate of decorators) decorate(target, handler, descriptor);
}

/** The handler's descriptor, on the mounted class or the routes class it extends. */
function handlerOf(type: Type, handler: string): PropertyDescriptor | undefined {
  for (let proto = type.prototype as object | null; proto; proto = Object.getPrototypeOf(proto)) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, handler);
    if (descriptor) return typeof descriptor.value === 'function' ? descriptor : undefined;
  }
  return undefined;
}

function tagOf(option: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new HealthConfigurationError(`openapi.${option}`, value, 'a non-empty tag name');
  }
  return value;
}
