import type { OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Inject, Injectable } from '@nestjs/common';
import type { Unregister } from '../core/health-check';
import { HealthService } from '../core/health.service';
import type { TrendStore } from './trend.store';
import { TREND_STORE } from './trend.store';

/**
 * Records one sample per component of every report the engine's periodic evaluation produces,
 * so samples are evenly spaced whatever the HTTP traffic. A plain report listener.
 */
@Injectable()
export class TrendRecorder implements OnModuleInit, OnModuleDestroy {
  private unsubscribe?: Unregister;

  constructor(
    private readonly health: HealthService,
    @Inject(TREND_STORE) private readonly store: TrendStore,
  ) {}

  onModuleInit(): void {
    if (this.store.capacity === 0) return;
    // Reports before startup has settled (a client still connecting) are not samples.
    this.unsubscribe = this.health.onReport((report, { scheduled, settled }) => {
      if (scheduled && settled) this.store.record(report);
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }
}
