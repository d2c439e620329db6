import { HealthConfigurationError } from '@app/health';

export const DEFAULT_PORT = 8000;
export const DEFAULT_AI_MODEL = 'gemini-2.0-flash-exp';

/** `PORT`: an integer from 0 to 65535 (0 lets the OS pick), default 8000. */
export function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return DEFAULT_PORT;
  const port = /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isInteger(port) || port > 65535) {
    throw new HealthConfigurationError('PORT', raw, 'an integer from 0 to 65535');
  }
  return port;
}
