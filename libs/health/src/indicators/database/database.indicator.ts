import type { OnModuleDestroy } from '@nestjs/common';
import { Injectable } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { HealthConfigurationError } from '../../shared/errors';
import type { HealthIndicator } from '../../core/health-check';
import type { IndicatorResult } from '../../core/health-status';
import { HealthStatus } from '../../core/health-status';
import { Redactor } from '../../shared/redact';
import { validateComponentName } from '../../shared/names';
import { errorText } from '../../shared/error-text';

export interface DatabaseIndicatorOptions {
  /** Proves the database answers; rejects when it does not. Should stop its work when `signal` aborts. */
  ping: (signal: AbortSignal) => Promise<unknown>;
  /** Component name. Default `'database'`. */
  name?: string;
  /** Shown in metadata and, for known drivers, by its proper name in messages. Default `'custom'`. */
  driver?: string;
  /** Releases the driver's resources; called by `onModuleDestroy()`. */
  close?: () => Promise<void>;
}

const DRIVER_LABELS: Readonly<Record<string, string>> = {
  custom: 'Database',
  postgres: 'PostgreSQL',
  mysql: 'MySQL',
  mariadb: 'MariaDB',
  mongodb: 'MongoDB',
  sqlite: 'SQLite',
  mssql: 'SQL Server',
  oracle: 'Oracle',
  rabbitmq: 'RabbitMQ',
  nats: 'NATS',
  mqtt: 'MQTT broker',
  kafka: 'Kafka',
};

/** Error messages may quote a connection URL: its password is masked whatever the driver. */
const urlRedactor = new Redactor();

/**
 * A database is HEALTHY when `ping` resolves. A rejected ping is rethrown with a short message,
 * so the engine reports UNHEALTHY and may retry; the engine's timeout aborts a hung ping.
 */
@Injectable()
export class DatabaseIndicator implements HealthIndicator, OnModuleDestroy {
  readonly name: string;
  /** The probe stops when the engine aborts it (timeout, shutdown). */
  readonly abortable = true;
  readonly driver: string;
  private readonly label: string;
  private readonly ping: DatabaseIndicatorOptions['ping'];
  private readonly close?: DatabaseIndicatorOptions['close'];

  constructor(options: DatabaseIndicatorOptions) {
    if (options === null || typeof options !== 'object') {
      throw new HealthConfigurationError('DatabaseIndicator options', options, 'an object');
    }
    this.name = validateComponentName(options.name ?? 'database', 'DatabaseIndicator.name');
    this.driver = validateDriver(options.driver ?? 'custom');
    this.label = DRIVER_LABELS[this.driver] ?? this.driver;
    this.ping = requireFunction(options.ping, 'ping');
    this.close = options.close === undefined ? undefined : requireFunction(options.close, 'close');
  }

  async check(signal: AbortSignal): Promise<IndicatorResult> {
    const started = performance.now();
    try {
      await this.ping(signal);
    } catch (error) {
      throw new Error(`${this.label} unreachable: ${urlRedactor.text(errorText(error))}`);
    }
    const pingMs = Math.round((performance.now() - started) * 1000) / 1000;
    return {
      status: HealthStatus.HEALTHY,
      message: `${this.label} reachable`,
      metadata: { driver: this.driver, ping_ms: pingMs },
    };
  }

  async onModuleDestroy(): Promise<void> {
    await this.close?.();
  }
}

function validateDriver(driver: unknown): string {
  if (typeof driver !== 'string' || driver.trim() === '') {
    throw new HealthConfigurationError('DatabaseIndicator.driver', driver, 'a non-empty string');
  }
  return driver;
}

function requireFunction<T>(value: T, option: string): T {
  if (typeof value !== 'function') {
    throw new HealthConfigurationError(`DatabaseIndicator.${option}`, value, 'a function');
  }
  return value;
}
