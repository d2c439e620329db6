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

function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (
    typeof value === 'number' ||
    typeof value === 'boolean' ||
    value === null ||
    value === undefined
  ) {
    return String(value);
  }
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return typeof value;
  }
}
