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
  for (const type of healthControllers(app)) {
    const doc = HEALTH_ROUTE_DOCS[type.name] as HealthControllerDoc | undefined;
    if (!doc) continue;
    described += describeController(type, doc, tags[doc.group]);
  }
  return described;
}

/** The controller classes of the library's modules in the app. */
function healthControllers(app: Pick<INestApplicationContext, 'get'>): Type[] {
  const controllers: Type[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    if (!isHealthModule(module.metatype)) continue;
    for (const wrapper of module.controllers.values()) {
      if (typeof wrapper.metatype === 'function') controllers.push(wrapper.metatype as Type);
    }
  }
  return controllers;
}

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
