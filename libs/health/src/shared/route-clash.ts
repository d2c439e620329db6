import type { OnModuleInit, Provider, Type } from '@nestjs/common';
import { Injectable, RequestMethod } from '@nestjs/common';
import { ApplicationConfig, DiscoveryService } from '@nestjs/core';
import { HealthConfigurationError } from './errors';

/** Nest's metadata keys (`@nestjs/common/constants`), read without a deep import. */
const PATH_METADATA = 'path';
const METHOD_METADATA = 'method';

const HINTS: Record<string, string> = {
  HealthModule:
    "change http.basePath, turn that endpoint group or http.redirect off, or move the app's route",
  HealthMetricsModule: "change the metrics path, or move the app's route",
};

interface Route {
  method: RequestMethod;
  path: string;
  where: string;
}

/** Thrown at startup when a route of the library would shadow one of the host, or the reverse. */
export class HealthRouteConflictError extends HealthConfigurationError {
  override readonly name: string = 'HealthRouteConflictError';

  constructor(ours: Route, theirs: Route, owner: string) {
    super(
      owner === 'HealthMetricsModule' ? 'metrics.path' : 'http',
      `${RequestMethod[ours.method]} /${ours.path}`,
      `a route of its own: ${theirs.where} serves ${RequestMethod[theirs.method]} /${theirs.path} too (${ours.where}); ${HINTS[owner] ?? 'move one of the routes'}`,
    );
  }
}

/**
 * Refuses to start when a health route and a route of the host are the same: whichever Nest
 * registered first would silently answer for both. Routes are compared, and named, as served:
 * under the app's global prefix unless its `exclude` list leaves them out. The prefix is set
 * before `init()` (`app.setGlobalPrefix()` then `listen()`), so it is known in `onModuleInit`.
 */
@Injectable()
export class RouteClashCheck implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly controllers: readonly Type[] | (() => readonly Type[]),
    private readonly owner: string,
    private readonly config?: ApplicationConfig,
  ) {}

  onModuleInit(): void {
    const controllers =
      typeof this.controllers === 'function' ? this.controllers() : this.controllers;
    const ours = new Set<unknown>(controllers);
    const served = (route: Route) => servedAt(route, this.config);
    const mine = controllers.flatMap((type) => routesOf(type, this.owner)).map(served);
    const theirs = this.discovery
      .getControllers()
      .map((wrapper) => wrapper.metatype)
      .filter((type): type is Type => typeof type === 'function' && !ours.has(type))
      .flatMap((type) => routesOf(type, type.name))
      .map(served);
    for (const route of mine) {
      const clash = theirs.find((other) => sameRoute(route, other));
      if (clash) throw new HealthRouteConflictError(route, clash, this.owner);
    }
  }
}

/**
 * The provider that checks these controllers of `owner` (or those a function gives, once the app
 * is scanned) against every other route at startup.
 */
export function routeClashCheck(
  owner: string,
  controllers: readonly Type[] | (() => readonly Type[]),
): Provider {
  const token = Symbol(`${owner} route clash check`);
  return {
    provide: token,
    inject: [DiscoveryService, { token: ApplicationConfig, optional: true }],
    useFactory: (discovery: DiscoveryService, config?: ApplicationConfig) =>
      new RouteClashCheck(discovery, controllers, owner, config),
  };
}

/** The route at the path it is served at: under the global prefix, unless excluded from it. */
function servedAt(route: Route, config: ApplicationConfig | undefined): Route {
  const prefix = config?.getGlobalPrefix() ?? '';
  if (prefix === '') return route;
  const excluded = (config?.getGlobalPrefixOptions().exclude ?? []).some(
    (rule) =>
      (rule.requestMethod === RequestMethod.ALL || rule.requestMethod === route.method) &&
      rule.pathRegex instanceof RegExp &&
      rule.pathRegex.test(`/${route.path}`),
  );
  return excluded ? route : { ...route, path: join(prefix, route.path) };
}

function routesOf(type: Type, owner: string): Route[] {
  const base = paths(Reflect.getMetadata(PATH_METADATA, type));
  const routes: Route[] = [];
  for (const [name, handler] of handlersOf(type)) {
    const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
    if (method === undefined) continue;
    for (const prefix of base) {
      for (const path of paths(Reflect.getMetadata(PATH_METADATA, handler))) {
        routes.push({ method, path: join(prefix, path), where: `${owner}.${name}` });
      }
    }
  }
  return routes;
}

/** Every method of a controller, its own and inherited (a routes class mounted by a subclass). */
function handlersOf(type: Type): Map<string, object> {
  const handlers = new Map<string, object>();
  let proto = type.prototype as object | null;
  while (proto && proto !== Object.prototype) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      const value = Object.getOwnPropertyDescriptor(proto, name)?.value as unknown;
      if (name !== 'constructor' && typeof value === 'function' && !handlers.has(name)) {
        handlers.set(name, value as object);
      }
    }
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  return handlers;
}

function paths(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  return [typeof value === 'string' ? value : ''];
}

function join(...parts: string[]): string {
  return parts
    .join('/')
    .split('/')
    .filter((segment) => segment !== '')
    .join('/');
}

/** Same method (or ALL), and every segment equal or a parameter on either side. */
function sameRoute(a: Route, b: Route): boolean {
  const methods =
    a.method === b.method || a.method === RequestMethod.ALL || b.method === RequestMethod.ALL;
  const left = a.path.split('/');
  const right = b.path.split('/');
  return (
    methods &&
    left.length === right.length &&
    left.every((segment, i) => segment === right[i] || isParam(segment) || isParam(right[i]))
  );
}

function isParam(segment: string): boolean {
  return segment.startsWith(':');
}
