import type { Type } from '@nestjs/common';
import type { DiscoveryService } from '@nestjs/core';
import type { Registry, RegistryContentType } from 'prom-client';

/** Nest's metadata key of `@UseGuards` (`@nestjs/common/constants`), read without a deep import. */
const GUARDS_METADATA = '__guards__';

/** The package whose `PrometheusModule` may serve the app's metrics. */
export const WILLSOTO = '@willsoto/nestjs-prometheus';

/**
 * Whether `@willsoto/nestjs-prometheus` is loaded in this process (by the app: this package never
 * loads it). Asked when Nest scans the app's modules, after every module file has loaded.
 */
export function willsotoLoaded(): boolean {
  return Object.keys(require.cache).some((file) =>
    file.replace(/\\/g, '/').includes(`/node_modules/${WILLSOTO}/`),
  );
}

/** What `PrometheusModule.register(options)` was given, as far as the health metrics care. */
interface WillsotoOptions {
  path?: unknown;
  defaultMetrics?: { config?: { register?: unknown } };
  pushgateway?: { registry?: unknown };
}

/** `PrometheusModule` as found in the app: where it serves, and what it was given. */
export interface PrometheusModuleInApp {
  /** Where its controller serves, under the global prefix. */
  path: string;
  /** The registry it was given (default metrics, push gateway); undefined: prom-client's global one. */
  registry?: Registry<RegistryContentType>;
  /** Its controller(s): the app's own subclass of `PrometheusController`, or that one. */
  controllers: Type[];
}

/**
 * `@willsoto/nestjs-prometheus`'s `PrometheusModule` among the app's modules, found by name and by
 * its options provider (no import of the package: any version, CommonJS or ESM). Its options are
 * read when they are known by the time the health metrics are made (`register()`, or a
 * `registerAsync()` factory that has run).
 */
export function prometheusModuleIn(discovery: DiscoveryService): PrometheusModuleInApp | undefined {
  const options = discovery
    .getProviders()
    .find(
      (wrapper) =>
        typeof wrapper.token === 'symbol' &&
        wrapper.token.description === 'PROMETHEUS_OPTIONS' &&
        wrapper.host?.metatype?.name === 'PrometheusModule',
    );
  if (!options) return undefined;
  const host = options.host;
  const controllers = discovery
    .getControllers()
    .filter((wrapper) => wrapper.host === host)
    .map((wrapper) => wrapper.metatype)
    .filter((type): type is Type => typeof type === 'function');
  const given = (options.instance ?? {}) as WillsotoOptions;
  const path = typeof given?.path === 'string' ? given.path : '/metrics';
  const registry = [given?.defaultMetrics?.config?.register, given?.pushgateway?.registry].find(
    isRegistry,
  );
  return { path: `/${path.replace(/^\/+/, '')}`, registry, controllers };
}

export function isRegistry(value: unknown): value is Registry<RegistryContentType> {
  return typeof (value as Registry | null)?.registerMetric === 'function';
}

/** Whether `@UseGuards(guard)` is on the controller, or on each of its route handlers. */
export function guardedBy(controller: Type, guard: Type): boolean {
  const has = (target: object) =>
    ((Reflect.getMetadata(GUARDS_METADATA, target) as unknown[] | undefined) ?? []).some(
      (g) => g === guard || g instanceof guard,
    );
  if (has(controller)) return true;
  const handlers = routeHandlers(controller);
  return handlers.length > 0 && handlers.every(has);
}

/** The route handlers of a controller, its own and inherited. */
function routeHandlers(controller: Type): object[] {
  const handlers: object[] = [];
  const seen = new Set<string>();
  let proto = controller.prototype as object | null;
  while (proto && proto !== Object.prototype) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      const value = Object.getOwnPropertyDescriptor(proto, name)?.value as unknown;
      if (name === 'constructor' || seen.has(name) || typeof value !== 'function') continue;
      seen.add(name);
      if (Reflect.getMetadata('method', value) !== undefined) handlers.push(value as object);
    }
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  return handlers;
}
