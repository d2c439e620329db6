import { Injectable } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import type { HealthIndicator } from '../../core/health-check';
import type { HealthMetadata, IndicatorResult } from '../../core/health-status';
import { HealthStatus } from '../../core/health-status';
import {
  elapsedMs,
  hostOption,
  msOption,
  optionsObject,
  portOption,
  shownMs,
} from '../../shared/indicator-options';
import { validateComponentName } from '../../shared/names';
import { connectOnce, where } from './tcp.connect';

export interface TcpIndicatorOptions {
  /** Host name or IP address to connect to. Required. */
  host: string;
  /** TCP port, 1 to 65535. Required. */
  port: number;
  /** Component name. Default `'tcp'`. */
  name?: string;
  /** A connection slower than this many ms is DEGRADED; 0 (default) turns it off. */
  degradedLatencyMs?: number;
  /** Gives up connecting after this many ms when nobody aborts the check. Default 10000. */
  connectTimeoutMs?: number;
}

/**
 * A TCP service is HEALTHY when a connection to `host:port` opens; the connection is closed at
 * once, nothing is sent. A refused or failed connection is rethrown with a short message, so the
 * engine reports UNHEALTHY and may retry; the engine's timeout aborts a connection that hangs.
 */
@Injectable()
export class TcpIndicator implements HealthIndicator {
  readonly name: string;
  /** The connection is destroyed when the engine aborts the check (timeout, shutdown). */
  readonly abortable = true;
  readonly baseMetadata: HealthMetadata;
  private readonly host: string;
  private readonly port: number;
  private readonly degradedLatencyMs: number;
  private readonly connectTimeoutMs: number;

  constructor(options: TcpIndicatorOptions) {
    optionsObject(options, 'TcpIndicator');
    this.name = validateComponentName(options.name ?? 'tcp', 'TcpIndicator.name');
    this.host = hostOption('TcpIndicator.host', options.host);
    this.port = portOption('TcpIndicator.port', options.port);
    this.degradedLatencyMs = msOption(
      'TcpIndicator.degradedLatencyMs',
      options.degradedLatencyMs,
      0,
    );
    this.connectTimeoutMs = msOption(
      'TcpIndicator.connectTimeoutMs',
      options.connectTimeoutMs,
      10_000,
      1,
    );
    this.baseMetadata = { host: this.host, port: this.port };
  }

  async check(signal: AbortSignal): Promise<IndicatorResult> {
    const started = performance.now();
    await connectOnce(this.host, this.port, this.connectTimeoutMs, signal);
    const connectMs = elapsedMs(started);
    const target = where(this.host, this.port);
    const metadata = { connect_ms: connectMs };
    if (this.degradedLatencyMs > 0 && connectMs > this.degradedLatencyMs) {
      return {
        status: HealthStatus.DEGRADED,
        message: `${target} accepted a connection in ${shownMs(connectMs)} ms, above ${this.degradedLatencyMs} ms`,
        metadata,
      };
    }
    return {
      status: HealthStatus.HEALTHY,
      message: `${target} accepts connections`,
      metadata,
    };
  }
}
