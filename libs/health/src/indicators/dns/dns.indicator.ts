import { Injectable } from '@nestjs/common';
import type { LookupAddress } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { performance } from 'node:perf_hooks';
import type { HealthIndicator } from '../../core/health-check';
import type { HealthMetadata, IndicatorResult } from '../../core/health-status';
import { HealthStatus } from '../../core/health-status';
import { HealthConfigurationError } from '../../shared/errors';
import { errorText } from '../../shared/error-text';
import { elapsedMs, msOption, optionsObject, shownMs } from '../../shared/indicator-options';
import { validateComponentName } from '../../shared/names';

export interface DnsIndicatorOptions {
  /** The name to resolve, as the application's connections resolve it. Required. */
  hostname: string;
  /** Component name. Default `'dns'`. */
  name?: string;
  /** Address family: 4, 6, or 0 (default) for both. */
  family?: 0 | 4 | 6;
  /** A lookup slower than this many ms is DEGRADED; 0 (default) turns it off. */
  degradedLatencyMs?: number;
}

/** At most this many addresses are shown in metadata. */
export const MAX_SHOWN_ADDRESSES = 10;

const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,62}))*\.?$/;

/**
 * Resolves a name with the operating system's resolver (`dns.lookup`, getaddrinfo: the hosts
 * file, then DNS), as Node's own connections do. HEALTHY when it yields at least one address; a
 * failed lookup (ENOTFOUND, EAI_AGAIN...) is rethrown with a short message, so the engine reports
 * UNHEALTHY and may retry. getaddrinfo cannot be cancelled: on abort the check settles at once
 * and the lookup finishes on its own in the thread pool.
 */
@Injectable()
export class DnsIndicator implements HealthIndicator {
  readonly name: string;
  readonly abortable = true;
  readonly baseMetadata: HealthMetadata;
  private readonly hostname: string;
  private readonly family: 0 | 4 | 6;
  private readonly degradedLatencyMs: number;

  constructor(options: DnsIndicatorOptions) {
    optionsObject(options, 'DnsIndicator');
    this.name = validateComponentName(options.name ?? 'dns', 'DnsIndicator.name');
    if (typeof options.hostname !== 'string' || !HOSTNAME.test(options.hostname)) {
      throw new HealthConfigurationError('DnsIndicator.hostname', options.hostname, 'a host name');
    }
    this.hostname = options.hostname;
    const family = options.family ?? 0;
    if (family !== 0 && family !== 4 && family !== 6) {
      throw new HealthConfigurationError('DnsIndicator.family', family, '0, 4 or 6');
    }
    this.family = family;
    this.degradedLatencyMs = msOption(
      'DnsIndicator.degradedLatencyMs',
      options.degradedLatencyMs,
      0,
    );
    this.baseMetadata = { hostname: this.hostname };
  }

  async check(signal: AbortSignal): Promise<IndicatorResult> {
    const started = performance.now();
    const addresses = await this.resolve(signal);
    const lookupMs = elapsedMs(started);
    const metadata = {
      lookup_ms: lookupMs,
      address_count: addresses.length,
      addresses: addresses.slice(0, MAX_SHOWN_ADDRESSES).map((a) => a.address),
    };
    const found = `${this.hostname} resolves to ${addresses.length} address${addresses.length === 1 ? '' : 'es'}`;
    if (this.degradedLatencyMs > 0 && lookupMs > this.degradedLatencyMs) {
      return {
        status: HealthStatus.DEGRADED,
        message: `${found} in ${shownMs(lookupMs)} ms, above ${this.degradedLatencyMs} ms`,
        metadata,
      };
    }
    return {
      status: HealthStatus.HEALTHY,
      message: found,
      metadata,
    };
  }

  private resolve(signal: AbortSignal): Promise<LookupAddress[]> {
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      lookup(this.hostname, { all: true, family: this.family })
        .then(resolve, (error: unknown) => {
          reject(new Error(`Cannot resolve ${this.hostname}: ${errorText(error)}`));
        })
        .finally(() => signal.removeEventListener('abort', onAbort));
    });
  }
}
