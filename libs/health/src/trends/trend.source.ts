import { Inject, Injectable } from '@nestjs/common';
import type { SampleSeries, TrendSource, TrendSummary } from '../core/ports';
import type { TrendWindow } from '../shared/trend-window';
import { HealthTrends } from './health-trends.service';
import { TREND_STORE, TrendStore } from './trend.store';

/** The trends as the status page reads them (`TREND_SOURCE`). */
@Injectable()
export class HealthTrendSource implements TrendSource {
  constructor(
    private readonly trends: HealthTrends,
    @Inject(TREND_STORE) private readonly store: TrendStore,
  ) {}

  summary(window: TrendWindow): ReadonlyMap<string, TrendSummary> {
    const { components } = this.trends.analyze(window);
    return new Map(
      Object.entries(components).map(([name, trend]) => [
        name,
        { availabilityPct: trend.availability_pct, p95Ms: trend.response_time_ms?.p95 ?? null },
      ]),
    );
  }

  samples(name: string, afterMs: number): SampleSeries | undefined {
    return this.store.since(name, afterMs);
  }
}
