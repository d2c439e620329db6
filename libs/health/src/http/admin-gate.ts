import type { FastifyLike } from './admin-gate.fastify';
import { installFastifyAdminGate } from './admin-gate.fastify';
import { adminGate } from './admin-gate.express';

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
  basePath: string,
  adminKeys: () => readonly string[],
): boolean {
  const type = adapter?.getType?.();
  if (type === 'express' && typeof adapter?.use === 'function') {
    adapter.use(adminGate(basePath, adminKeys));
    return true;
  }
  if (type !== 'fastify') return false;
  installFastifyAdminGate(adapter!.getInstance!() as FastifyLike, basePath, adminKeys);
  return true;
}
