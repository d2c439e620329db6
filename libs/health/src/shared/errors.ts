import { Redactor } from './redact';

/** Bad values are shown in errors: any credentials inside them are masked first. */
const redactor = new Redactor();

/** Thrown by `checkComponent(name)` and friends when no check has that name. */
export class UnknownComponentError extends Error {
  override readonly name = 'UnknownComponentError';
  constructor(readonly component: string) {
    super(`Unknown health component "${component}"`);
  }
}

/** Thrown when a check is registered under a name that is taken, without `replace: true`. */
export class DuplicateHealthCheckError extends Error {
  override readonly name = 'DuplicateHealthCheckError';
  constructor(readonly component: string) {
    super(
      `A health check named "${component}" is already registered; pass { replace: true } to replace it`,
    );
  }
}

/** Thrown at startup when a setting has a bad value; the message names both. */
export class HealthConfigurationError extends Error {
  override readonly name: string = 'HealthConfigurationError';
  constructor(
    readonly setting: string,
    readonly value: unknown,
    readonly expected: string,
  ) {
    super(
      `Invalid setting ${setting}: ${redactor.text(describeValue(value))} (expected ${expected})`,
    );
  }
}

/**
 * A value shown in an error by what it is, not by its content: for values from a file or a
 * fleet message, which may be anything (a secret the path was pointed at, say).
 */
export class ValueKind {
  readonly text: string;
  constructor(value: unknown) {
    this.text = kindWithoutContent(value);
  }
}

/** A refusal that is about no single value: shown as this text in place of one. */
export class Described {
  constructor(readonly text: string) {}
}

/** Long values are cut: an error message (and the log line holding it) stays one short line. */
const MAX_SHOWN = 80;

function describeValue(value: unknown): string {
  if (value instanceof ValueKind || value instanceof Described) return value.text;
  if (typeof value === 'string') return JSON.stringify(cut(value));
  if (
    typeof value === 'number' ||
    typeof value === 'boolean' ||
    value === null ||
    value === undefined
  ) {
    return String(value);
  }
  // Small flat values are shown whole; anything large or deep by its kind (never stringified whole).
  if (Array.isArray(value) && value.length <= 10 && value.every(isFlat)) {
    return cut(JSON.stringify(value));
  }
  if (isPlainRecord(value)) {
    const entries = Object.values(value);
    if (entries.length <= 10 && entries.every(isFlat)) return cut(JSON.stringify(value) ?? '');
  }
  return kindWithoutContent(value);
}

function isFlat(value: unknown): boolean {
  return value === null || (typeof value !== 'object' && typeof value !== 'function');
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

function cut(text: string): string {
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text;
}

function kindWithoutContent(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length} items`;
  switch (typeof value) {
    case 'string':
      return `a string of ${value.length} characters`;
    case 'object':
      return 'an object';
    case 'undefined':
      return 'undefined';
    default:
      return `a ${typeof value}`;
  }
}
