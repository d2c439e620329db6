import type { OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { Metric, Registry } from 'prom-client';
import { Counter, Gauge } from 'prom-client';
import { attachMetrics, detachMetrics } from '../shared/registry-attachment';
import type { CheckRun } from '../core/check-runner';
import type { Unregister } from '../core/health-check';
import type { SystemHealthStatus } from '../core/health-status';
import type { ReportInfo } from '../core/report-events';
import { HealthService } from '../core/health.service';
import type { ConfigStatus } from '../core/ports';
import { CONFIG_STATUS } from '../core/ports';
import { HealthInstruments } from './health.instruments';
import { HEALTH_METRIC_NAMES, HEALTH_METRICS_REGISTRY } from './metrics.constants';

/**
 * Prometheus metrics fed by the engine's report and run events. A scrape reads the last values
 * and never runs a check.
 */
@Injectable()
export class HealthMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(HealthMetrics.name);
  private readonly instruments = new HealthInstruments();
  private scrapedMetrics: [string, Metric][] = [];
  private subscriptions: Unregister[] = [];

  constructor(
    private readonly health: HealthService,
    @Inject(HEALTH_METRICS_REGISTRY) private readonly registry: Registry,
    @Optional() @Inject(CONFIG_STATUS) private readonly config?: ConfigStatus,
  ) {}

  onModuleInit(): void {
    const taken = [
      ...this.instruments.attach(this.registry),
      ...attachMetrics(this.registry, (this.scrapedMetrics = this.createScrapedMetrics())),
    ];
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
    detachMetrics(this.registry, this.scrapedMetrics);
  }

  /**
   * The configuration version and failed reloads, read from the runtime configuration at each
   * scrape (without `HealthConfigModule`: version 1, no failure), and the age of the periodic
   * evaluation.
   */
  private createScrapedMetrics(): [string, Metric][] {
    const config = this.config;
    const version = new Gauge({
      name: HEALTH_METRIC_NAMES.configVersion,
      help: 'Version of the effective health configuration: 1 at startup, +1 per applied change.',
      registers: [],
      collect() {
        this.set(config?.version ?? 1);
      },
    });
    const failures = new Counter({
      name: HEALTH_METRIC_NAMES.configReloadFailures,
      help: 'Configuration reloads that failed (a bad configuration file kept the last good one).',
      registers: [],
      collect() {
        this.reset();
        this.inc(config?.failures ?? 0);
      },
    });
    const health = this.health;
    const evaluationAge = new Gauge({
      name: HEALTH_METRIC_NAMES.evaluationAge,
      help: 'Seconds since the last periodic health evaluation finished (the age of these series); NaN before the first.',
      registers: [],
      collect() {
        const { ageMs } = health.evaluationSchedule;
        this.set(ageMs === undefined ? NaN : ageMs / 1000);
      },
    });
    return [
      [HEALTH_METRIC_NAMES.configVersion, version],
      [HEALTH_METRIC_NAMES.configReloadFailures, failures],
      [HEALTH_METRIC_NAMES.evaluationAge, evaluationAge],
    ];
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
