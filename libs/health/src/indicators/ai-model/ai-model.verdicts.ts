import { HealthStatus } from '../../core/health-status';

export interface Verdict {
  status: HealthStatus;
  message: string;
}

/**
 * What a provider answer means for the component. `body` is read only to recognise Gemini's
 * invalid-key error (HTTP 400, reason `API_KEY_INVALID`); it never reaches a message.
 */
export function verdictFor(httpStatus: number, model: string, body: string): Verdict {
  const unhealthy = (message: string) => ({ status: HealthStatus.UNHEALTHY, message });
  const code = `(HTTP ${httpStatus})`;
  if (httpStatus >= 200 && httpStatus < 300) {
    return { status: HealthStatus.HEALTHY, message: 'AI model reachable' };
  }
  if (httpStatus === 401 || httpStatus === 403 || isInvalidKey(httpStatus, body)) {
    return unhealthy(`API key rejected ${code}`);
  }
  if (httpStatus === 404) return unhealthy(`AI model not found: ${model} ${code}`);
  if (httpStatus === 429) {
    return { status: HealthStatus.DEGRADED, message: `AI provider rate limited ${code}` };
  }
  if (httpStatus >= 500) return unhealthy(`AI provider error ${code}`);
  return unhealthy(`AI provider gave an unexpected answer ${code}`);
}

function isInvalidKey(httpStatus: number, body: string): boolean {
  return httpStatus === 400 && body.includes('API_KEY_INVALID');
}

const NETWORK_ERRORS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  UND_ERR_SOCKET: 'connection closed',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  ETIMEDOUT: 'connect timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connect timed out',
};

/**
 * A short error for a request that got no answer. It names the error code only: fetch's own
 * messages can quote request data, and a header value is the API key.
 */
export function unreachableError(error: unknown): Error {
  const code = errorCode(error);
  if (!code) return new Error('AI provider request failed');
  const what = NETWORK_ERRORS[code];
  return new Error(`AI provider unreachable: ${what ? `${what} (${code})` : code}`);
}

function errorCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  const code = cause?.code ?? (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(code) ? code : undefined;
}
