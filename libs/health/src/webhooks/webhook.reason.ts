import { errorText } from '../shared/error-text';

/**
 * A short reason for a failure, for logs. Duck-typed: errors from `fetch` come from another
 * realm than this module's `Error`. A network error's cause (`ECONNREFUSED`...) says more than
 * fetch's own "fetch failed".
 */
export function reasonOf(error: unknown): string {
  const { cause } = (error ?? {}) as { cause?: { code?: unknown } };
  if (typeof cause?.code === 'string') return cause.code;
  return errorText(error);
}
