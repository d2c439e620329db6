import type { OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Registry } from 'prom-client';
import type { CheckRun } from '../core/check-runner';
import type { Unregister } from '../core/health-check';
import type { SystemHealthStatus } from '../core/health-status';
import type { ReportInfo } from '../core/health.service';
import { HealthService } from '../core/health.service';
import { HealthInstruments } from './health.instruments';
import { HEALTH_METRICS_REGISTRY } from './metrics.constants';

/**
 * Prometheus metrics fed by the engine's report and run events. A scrape reads the last values
 * and never runs a check.
 */
@Injectable()
export class HealthMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(HealthMetrics.name);
  private readonly instruments = new HealthInstruments();
  private subscriptions: Unregister[] = [];

  constructor(
    private readonly health: HealthService,
    @Inject(HEALTH_METRICS_REGISTRY) private readonly registry: Registry,
  ) {}

  onModuleInit(): void {
    const taken = this.instruments.attach(this.registry);
    if (taken.length > 0) {
      this.logger.warn(`Replaced health metrics left in the registry: ${taken.join(', ')}`);
    }
    this.subscriptions = [
      this.health.onReport((report, info) => this.onReport(report, info)),
      this.health.onRun((run) => this.onRun(run)),
    ];
    const last = this.health.getLastReport();
    if (last) this.onReport(last, { full: true, scheduled: false, settled: this.health.settled });
  }

  onModuleDestroy(): void {
    for (const unsubscribe of this.subscriptions.splice(0)) unsubscribe();
    this.instruments.detach(this.registry);
  }

  private onRun({ status, outcome }: CheckRun): void {
    // A run that ends after its check was unregistered must not bring the series back.
    if (this.health.has(status.name)) this.instruments.recordRun(status, outcome);
  }

  private onReport(report: SystemHealthStatus, { full }: ReportInfo): void {
    for (const { name, status } of report.components) {
      // A report can finish after a newer run of one of its checks: the newest status wins.
      const latest = this.health.getLastStatus(name)?.status ?? status;
      if (this.health.has(name)) this.instruments.setComponent(name, latest);
    }
    for (const name of this.instruments.components()) {
      if (!this.health.has(name)) this.instruments.removeComponent(name);
    }
    if (full) this.instruments.setOverall(report.overall_status);
  }
}
