import type { Provider } from '@nestjs/common';
import { HealthService } from '../core/health.service';
import { HealthTrends } from './health-trends.service';
import { TrendCollector } from './trend.collector';
import { TREND_STORE, TrendStore, trendCapacity } from './trend.store';

/** What HealthModule provides for trends: the store, its collector and `HealthTrends`. */
export const TREND_PROVIDERS: Provider[] = [
  {
    provide: TREND_STORE,
    inject: [HealthService],
    useFactory: (health: HealthService) => new TrendStore(trendCapacity(health.settings.trends)),
  },
  TrendCollector,
  HealthTrends,
];
