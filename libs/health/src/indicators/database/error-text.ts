interface ErrorLike {
  message?: unknown;
  code?: unknown;
  name?: unknown;
  errors?: unknown;
}

/**
 * A short, human description of anything a driver may throw. Duck-typed rather than
 * `instanceof Error`: errors from another realm (Node core seen from a vm or Jest) fail that test.
 */
export function errorText(error: unknown): string {
  if (typeof error === 'string') return error || 'unknown error';
  if (error === null || typeof error !== 'object') return 'unknown error';
  const { message, code, name, errors } = error as ErrorLike;
  if (nonEmpty(message)) return message;
  // Node reports a failed dual-stack connect ("localhost") as an AggregateError without a message.
  if (Array.isArray(errors)) {
    const inner = [...new Set(errors.map(errorText))].join('; ');
    if (inner) return inner;
  }
  if (nonEmpty(code)) return code;
  return nonEmpty(name) ? name : 'unknown error';
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}
