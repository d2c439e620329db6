interface ErrorLike {
  message?: unknown;
  code?: unknown;
  name?: unknown;
  errors?: unknown;
}

/**
 * A short, human description of anything a check or a driver may throw: its message, the
 * messages inside an AggregateError, its code or its name. Duck-typed rather than
 * `instanceof Error`: errors from another realm (vm contexts, Jest) fail that test.
 */
export function errorText(error: unknown): string {
  if (typeof error === 'string') return error || 'threw an empty string';
  if (error === null || typeof error !== 'object') return `threw ${kindOf(error)}`;
  const { message, code, name, errors } = error as ErrorLike;
  if (nonEmpty(message)) return message;
  // Node reports a failed dual-stack connect ("localhost") as an AggregateError without a message.
  if (Array.isArray(errors)) {
    const inner = [...new Set(errors.map(errorText))].join('; ');
    if (inner) return inner;
  }
  if (nonEmpty(code)) return code;
  return nonEmpty(name) ? name : `threw ${kindOf(error)}`;
}

/** How a value looks in an error message: short, and never the whole of a large value. */
export function kindOf(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  if (typeof value === 'object') return 'an object';
  return typeof value === 'function' ? 'a function' : `${typeof value} ${String(value)}`;
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}
