import type { LoggerService } from '@nestjs/common';
import { HealthConfigurationError } from '@nest-health/core';
import { ConsoleLogger } from '@nestjs/common';
import type { EnvSource } from './app.config';
import { readString } from './app.config';

export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormatSetting = (typeof LOG_FORMATS)[number];

/** `LOG_FORMAT`: `text` (default, Nest's coloured lines) or `json` (one JSON object a line). */
export function logFormatFromEnv(env: EnvSource): LogFormatSetting {
  const raw = readString(env, 'LOG_FORMAT') ?? 'text';
  if (!(LOG_FORMATS as readonly string[]).includes(raw)) {
    throw new HealthConfigurationError('LOG_FORMAT', raw, 'text or json');
  }
  return raw as LogFormatSetting;
}

/** The service's logger for that format. */
export function createLogger(format: LogFormatSetting): LoggerService {
  return new ConsoleLogger({ json: format === 'json' });
}
