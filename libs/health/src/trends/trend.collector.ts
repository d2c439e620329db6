import type { OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { SystemHealthStatus } from '../core/health-status';
import { HealthService } from '../core/health.service';
import type { TrendStore } from './trend.store';
import { TREND_STORE } from './trend.store';

/** The collector's entry in its `SchedulerRegistry`. */
export const TREND_INTERVAL_NAME = 'health-trends';

/**
 * Every `trends.intervalMs` runs a full evaluation and records one sample per component. Only
 * its own evaluations are sampled, so samples are evenly spaced whatever the HTTP traffic.
 */
@Injectable()
export class TrendCollector implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(TrendCollector.name);
  private running = false;
  private skipping = false;
  private stopped = false;
  private lastRecorded?: SystemHealthStatus;

  constructor(
    private readonly health: HealthService,
    @Inject(TREND_STORE) private readonly store: TrendStore,
    private readonly registry: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    const { intervalMs } = this.health.settings.trends;
    if (intervalMs === 0) return;
    const handle = setInterval(() => void this.tick(), intervalMs);
    // Background sampling alone never keeps a process alive.
    handle.unref();
    this.registry.addInterval(TREND_INTERVAL_NAME, handle);
  }

  onModuleDestroy(): void {
    this.stopped = true;
    if (this.registry.doesExist('interval', TREND_INTERVAL_NAME)) {
      this.registry.deleteInterval(TREND_INTERVAL_NAME);
    }
  }

  /** One sampling round; skipped while the previous one still runs. Never rejects. */
  async tick(): Promise<void> {
    if (this.stopped) return;
    if (this.running) return this.skip();
    this.running = true;
    this.skipping = false;
    try {
      const report = await this.health.check();
      // A report served again from cache (every result unchanged) is one sample, not two.
      if (!this.stopped && report !== this.lastRecorded) this.store.record(report);
      this.lastRecorded = report;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.logger.error(`Trend sampling failed: ${this.health.redactor.text(message)}`);
    } finally {
      this.running = false;
    }
  }

  private skip(): void {
    if (this.skipping) return;
    this.skipping = true;
    this.logger.warn('Trend sample skipped: the previous evaluation is still running');
  }
}
