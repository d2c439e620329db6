import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyLike } from './admin-gate.fastify';
import { installFastifyAdminGate } from './admin-gate.fastify';
import { adminGate } from './admin-gate.express';
import type { ResolvedConfigSettings } from './config.options';
import { CONFIG_SETTINGS } from './config.options';

/** DI token of the admin endpoint's path (`v1/health/config`), as mounted. */
export const ADMIN_PATH = Symbol('HEALTH_ADMIN_PATH');

/** The parts of Nest's HTTP adapter the gate uses (Express's and Fastify's alike). */
interface AdapterLike {
  getType?(): string;
  getInstance?(): unknown;
  use?(handler: unknown): unknown;
}

/**
 * Puts the gate in front of the app's body parsers: on Express, a middleware added before Nest
 * registers its parsers (at `init()`); on Fastify, hooks before any body is parsed
 * (`admin-gate.fastify.ts`). Returns false for any other platform: the controller's own checks
 * then still hold, after the app's parser.
 */
export function installAdminGate(
  adapter: AdapterLike | undefined,
  path: string,
  adminKeys: () => readonly string[],
): boolean {
  const type = adapter?.getType?.();
  if (type === 'express' && typeof adapter?.use === 'function') {
    adapter.use(adminGate(path, adminKeys));
    return true;
  }
  if (type !== 'fastify') return false;
  installFastifyAdminGate(adapter!.getInstance!() as FastifyLike, path, adminKeys);
  return true;
}

/**
 * Installs the gate when Nest's HTTP adapter is known, which is before the app's body parsers are
 * registered (at `init()`), in an app made by `NestFactory` and in a testing module alike.
 */
@Injectable()
export class AdminGate {
  constructor(
    adapterHost: HttpAdapterHost,
    @Inject(CONFIG_SETTINGS) settings: ResolvedConfigSettings,
    @Inject(ADMIN_PATH) path: string,
  ) {
    const install = () => installAdminGate(adapterHost.httpAdapter, path, () => settings.adminKeys);
    if (adapterHost.init$) adapterHost.init$.subscribe(install);
    else if (adapterHost.httpAdapter) install();
  }
}
