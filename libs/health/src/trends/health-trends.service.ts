import { Inject, Injectable } from '@nestjs/common';
import { HealthService } from '../core/health.service';
import { round } from './figures';
import { analyzeSeries } from './trend.analysis';
import type { TrendSettings } from './trend.options';
import { TREND_SETTINGS } from './trend.options';
import type { TrendStore } from './trend.store';
import { TREND_STORE } from './trend.store';
import type { TrendWindow } from '../shared/trend-window';
import {
  DEFAULT_TREND_WINDOW,
  isTrendWindow,
  TREND_WINDOW_ERROR,
  TREND_WINDOWS,
} from '../shared/trend-window';
import type { ComponentTrend, TrendsReport } from './trend.types';

/**
 * Trends of every registered component over a window, from the samples the recorder keeps (one per periodic evaluation).
 * Reads samples only: analysing never runs a check.
 */
@Injectable()
export class HealthTrends {
  constructor(
    private readonly health: HealthService,
    @Inject(TREND_STORE) private readonly store: TrendStore,
    @Inject(TREND_SETTINGS) private readonly settings: TrendSettings,
  ) {}

  /** The figures `GET /v1/health/trends?window=` answers. An unknown window is a RangeError. */
  analyze(window: TrendWindow = DEFAULT_TREND_WINDOW): TrendsReport {
    if (!isTrendWindow(window)) throw new RangeError(TREND_WINDOW_ERROR);
    const trends = this.settings;
    const endMs = this.health.clock.epochMs();
    const startMs = endMs - TREND_WINDOWS[window];
    const components: Record<string, ComponentTrend> = {};
    for (const name of this.store.names()) {
      // A component unregistered since its last sample is gone, and its samples with it.
      const series = this.health.has(name) ? this.store.since(name, startMs) : undefined;
      if (series) components[name] = analyzeSeries(series, { startMs, endMs });
      else this.store.release(name);
    }
    return {
      window,
      interval_ms: trends.intervalMs,
      retention_ms: trends.retentionMs,
      generated_at: round(endMs / 1000, 3),
      components,
    };
  }
}
