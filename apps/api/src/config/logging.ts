import type { LoggerService } from '@nestjs/common';
import { HealthConfigurationError, Redactor } from '@nest-health/core';
import type { ConsoleLoggerOptions } from '@nestjs/common';
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

/**
 * The service's logger for that format. Every line goes through a redactor of the configured
 * secrets (and of passwords in URLs, bearer tokens, key parameters), whoever logs it: Nest, a
 * library, or the service.
 */
export function createLogger(
  format: LogFormatSetting,
  secrets: readonly (string | undefined)[] = [],
): LoggerService {
  return new RedactingLogger(new Redactor(secrets), { json: format === 'json' });
}

class RedactingLogger extends ConsoleLogger {
  constructor(
    private readonly redactor: Redactor,
    options: ConsoleLoggerOptions,
  ) {
    super(options);
  }

  override log(message: unknown, ...rest: unknown[]): void {
    super.log(this.mask(message), ...rest.map((part) => this.mask(part)));
  }

  override error(message: unknown, ...rest: unknown[]): void {
    super.error(this.mask(message), ...rest.map((part) => this.mask(part)));
  }

  override warn(message: unknown, ...rest: unknown[]): void {
    super.warn(this.mask(message), ...rest.map((part) => this.mask(part)));
  }

  override debug(message: unknown, ...rest: unknown[]): void {
    super.debug(this.mask(message), ...rest.map((part) => this.mask(part)));
  }

  override verbose(message: unknown, ...rest: unknown[]): void {
    super.verbose(this.mask(message), ...rest.map((part) => this.mask(part)));
  }

  override fatal(message: unknown, ...rest: unknown[]): void {
    super.fatal(this.mask(message), ...rest.map((part) => this.mask(part)));
  }

  private mask(value: unknown): unknown {
    if (typeof value === 'string') return this.redactor.text(value);
    if (value instanceof Error) {
      const masked = new Error(this.redactor.text(value.message));
      masked.stack = value.stack && this.redactor.text(value.stack);
      return masked;
    }
    if (value !== null && typeof value === 'object') {
      try {
        return this.redactor.data(value);
      } catch {
        return '[unserializable]';
      }
    }
    return value;
  }
}
