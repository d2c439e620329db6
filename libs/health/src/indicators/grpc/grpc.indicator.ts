import type { OnModuleDestroy } from '@nestjs/common';
import { Injectable } from '@nestjs/common';
import type { ChannelCredentials, ServiceError } from '@grpc/grpc-js';
import { Client, credentials, Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import { performance } from 'node:perf_hooks';
import type { HealthIndicator } from '../../core/health-check';
import type { HealthMetadata, IndicatorResult } from '../../core/health-status';
import { HealthStatus } from '../../core/health-status';
import { HealthConfigurationError, ValueKind } from '../../shared/errors';
import { errorText } from '../../shared/error-text';
import { elapsedMs, msOption, optionsObject, shownMs } from '../../shared/indicator-options';
import { validateComponentName } from '../../shared/names';
import {
  decodeHealthCheckResponse,
  encodeHealthCheckRequest,
  HEALTH_CHECK_METHOD,
  MAX_SERVICE_LENGTH,
  SERVING_STATUS,
} from './grpc.protocol';

export interface GrpcIndicatorOptions {
  /** The server, as a gRPC target: `host:port`, `dns:///host:port`, `unix:/path`. Required. */
  address: string;
  /** The service asked about; `''` (default) asks about the server as a whole. */
  service?: string;
  /** Component name. Default `'grpc'`. */
  name?: string;
  /** How to connect (TLS, tokens): `@grpc/grpc-js` credentials. Default insecure (plain text). */
  credentials?: ChannelCredentials;
  /** An answer slower than this many ms is DEGRADED; 0 (default) turns it off. */
  degradedLatencyMs?: number;
  /** The call's deadline when nobody aborts the check, in ms. Default 10000. */
  deadlineMs?: number;
}

type Answer = { status: number } | { error: ServiceError };

/**
 * Asks a gRPC server `grpc.health.v1.Health/Check` for `service`: SERVING is HEALTHY; any other
 * answer, a service the server does not know (NOT_FOUND) or a server without the health service
 * (UNIMPLEMENTED) is UNHEALTHY at once. A call that fails otherwise (UNAVAILABLE...) is rethrown
 * with a short message, so the engine may retry; the engine's abort cancels the call. One
 * channel, opened at the first check and kept; `onModuleDestroy()` closes it.
 */
@Injectable()
export class GrpcIndicator implements HealthIndicator, OnModuleDestroy {
  readonly name: string;
  readonly abortable = true;
  readonly baseMetadata: HealthMetadata;
  private readonly address: string;
  private readonly service: string;
  private readonly credentials: ChannelCredentials;
  private readonly degradedLatencyMs: number;
  private readonly deadlineMs: number;
  private readonly request: Buffer;
  private readonly subject: string;
  private client?: Client;

  constructor(options: GrpcIndicatorOptions) {
    optionsObject(options, 'GrpcIndicator');
    this.name = validateComponentName(options.name ?? 'grpc', 'GrpcIndicator.name');
    const { address, service = '' } = options;
    if (typeof address !== 'string' || !/^[^\s]{1,512}$/.test(address)) {
      throw new HealthConfigurationError(
        'GrpcIndicator.address',
        address,
        'a gRPC target like host:port',
      );
    }
    if (
      typeof service !== 'string' ||
      service.length > MAX_SERVICE_LENGTH ||
      /[\s\0]/.test(service)
    ) {
      throw new HealthConfigurationError(
        'GrpcIndicator.service',
        service,
        `a service name of at most ${MAX_SERVICE_LENGTH} characters, no space`,
      );
    }
    if (options.credentials !== undefined && !isCredentials(options.credentials)) {
      throw new HealthConfigurationError(
        'GrpcIndicator.credentials',
        new ValueKind(options.credentials),
        '@grpc/grpc-js ChannelCredentials',
      );
    }
    this.address = address;
    this.service = service;
    this.credentials = options.credentials ?? credentials.createInsecure();
    this.degradedLatencyMs = msOption(
      'GrpcIndicator.degradedLatencyMs',
      options.degradedLatencyMs,
      0,
    );
    this.deadlineMs = msOption('GrpcIndicator.deadlineMs', options.deadlineMs, 10_000, 1);
    this.request = encodeHealthCheckRequest(service);
    this.subject = service ? `gRPC service "${service}" at ${address}` : `gRPC server ${address}`;
    this.baseMetadata = { address, service };
  }

  async check(signal: AbortSignal): Promise<IndicatorResult> {
    const started = performance.now();
    const answer = await this.call(signal);
    const latencyMs = elapsedMs(started);
    if ('error' in answer) return this.failure(answer.error, latencyMs);
    const serving = SERVING_STATUS[answer.status] ?? `status ${answer.status}`;
    const metadata = { serving_status: serving, latency_ms: latencyMs };
    if (serving !== 'SERVING') {
      return { status: HealthStatus.UNHEALTHY, message: `${this.subject} is ${serving}`, metadata };
    }
    if (this.degradedLatencyMs > 0 && latencyMs > this.degradedLatencyMs) {
      return {
        status: HealthStatus.DEGRADED,
        message: `${this.subject} is SERVING, in ${shownMs(latencyMs)} ms, above ${this.degradedLatencyMs} ms`,
        metadata,
      };
    }
    return { status: HealthStatus.HEALTHY, message: `${this.subject} is SERVING`, metadata };
  }

  onModuleDestroy(): void {
    this.client?.close();
    this.client = undefined;
  }

  /** NOT_FOUND and UNIMPLEMENTED are answers; anything else is rethrown, for a retry. */
  private failure(error: ServiceError, latencyMs: number): IndicatorResult {
    const metadata = { grpc_code: error.code, latency_ms: latencyMs };
    if (error.code === GrpcStatus.NOT_FOUND) {
      return {
        status: HealthStatus.UNHEALTHY,
        message: `${this.subject}: the server does not know this service (NOT_FOUND)`,
        metadata,
      };
    }
    if (error.code === GrpcStatus.UNIMPLEMENTED) {
      return {
        status: HealthStatus.UNHEALTHY,
        message: `${this.subject}: the server does not implement grpc.health.v1.Health (UNIMPLEMENTED)`,
        metadata,
      };
    }
    throw new Error(`${this.subject}: ${errorText(error)}`);
  }

  private call(signal: AbortSignal): Promise<Answer> {
    if (signal.aborted) return Promise.reject(signal.reason);
    this.client ??= new Client(this.address, this.credentials);
    return new Promise<Answer>((resolve, reject) => {
      const onAbort = () => {
        reject(signal.reason);
        call.cancel();
      };
      const call = this.client!.makeUnaryRequest(
        HEALTH_CHECK_METHOD,
        (request: Buffer) => request,
        (response: Buffer) => decodeHealthCheckResponse(response),
        this.request,
        new Metadata(),
        { deadline: Date.now() + this.deadlineMs },
        (error, status) => {
          signal.removeEventListener('abort', onAbort);
          resolve(error ? { error } : { status: status! });
        },
      );
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}

function isCredentials(value: unknown): value is ChannelCredentials {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as ChannelCredentials)._isSecure === 'function'
  );
}
