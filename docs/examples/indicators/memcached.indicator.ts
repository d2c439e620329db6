// docs/indicators/cache.md's custom indicator: test/docs/indicators.e2e-spec.ts runs it.
import type { HealthIndicator, IndicatorResult } from '@nest-health/core';
import { HealthStatus, RegisterHealthIndicator } from '@nest-health/core';
import { Injectable } from '@nestjs/common';
import { MemcachedClient } from './memcached.client'; // yours

@RegisterHealthIndicator({ timeoutMs: 500, critical: false, abortable: true })
@Injectable()
export class MemcachedIndicator implements HealthIndicator {
  readonly name = 'memcached';
  readonly baseMetadata = { backend: 'memcached' };

  constructor(private readonly client: MemcachedClient) {}

  async check(signal: AbortSignal): Promise<IndicatorResult> {
    await this.client.version({ signal }); // a throw becomes UNHEALTHY, a hang DEGRADED
    return { status: HealthStatus.HEALTHY, message: 'Memcached reachable' };
  }
}
