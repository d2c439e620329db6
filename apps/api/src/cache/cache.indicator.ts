import type { HealthIndicator, IndicatorResult } from '@app/health';
import { HealthStatus, RegisterHealthIndicator } from '@app/health';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { CacheService } from './cache.service';

const PROBE_KEY = 'health:cache:probe';

/** `cache`: a write and a read of a probe key must round-trip. */
@RegisterHealthIndicator()
@Injectable()
export class CacheIndicator implements HealthIndicator {
  readonly name = 'cache';

  constructor(private readonly cache: CacheService) {}

  async check(): Promise<IndicatorResult> {
    const token = randomUUID();
    await this.cache.set(PROBE_KEY, token, 5_000);
    const readBack = await this.cache.get(PROBE_KEY);
    const metadata = { backend: this.cache.backend, entries: this.cache.size };
    if (readBack !== token) {
      return {
        status: HealthStatus.UNHEALTHY,
        message: 'Cache did not return what was written',
        metadata,
      };
    }
    return { status: HealthStatus.HEALTHY, message: 'Cache operational (in-memory)', metadata };
  }
}
