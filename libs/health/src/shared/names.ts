import { HealthConfigurationError } from './errors';

/** A component name: lowercase letters, digits, `_` and `-`, 1 to 64 characters. */
export const COMPONENT_NAME_PATTERN = /^[a-z0-9_-]{1,64}$/;

/**
 * Names every JavaScript object answers to: never a component name, so that no name from
 * outside can reach an object's prototype wherever names key a lookup.
 */
const RESERVED_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Whether `name` may name a component: the pattern, and none of the reserved names. */
export function isComponentName(name: unknown): name is string {
  return typeof name === 'string' && COMPONENT_NAME_PATTERN.test(name) && !RESERVED_NAMES.has(name);
}

/** Checks tagged with this run for readiness; when none is, the critical checks do. */
export const READINESS_TAG = 'ready';

export function validateComponentName(name: unknown, where = 'name'): string {
  if (!isComponentName(name))
    throw new HealthConfigurationError(where, name, COMPONENT_NAME_EXPECTED);
  return name;
}

export const COMPONENT_NAME_EXPECTED =
  'a component name matching [a-z0-9_-]{1,64}, other than __proto__, constructor and prototype';
