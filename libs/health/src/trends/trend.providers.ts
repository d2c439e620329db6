import type { Provider } from '@nestjs/common';
import { TREND_SOURCE } from '../core/ports';
import { HEALTH_MODULE_OPTIONS } from '../shared/tokens';
import { HealthTrendSource } from './trend.source';
import { HealthService } from '../core/health.service';
import type { TrendOptions } from './trend.options';
import { HealthTrends } from './health-trends.service';
import { TREND_SETTINGS, resolveTrendSettings } from './trend.options';
import { TrendRecorder } from './trend.recorder';
import { TREND_STORE, TrendStore, trendCapacity } from './trend.store';
import type { TrendSettings } from './trend.options';

/** What HealthModule provides for trends: their settings, the store, its recorder, `HealthTrends`. */
export const TREND_PROVIDERS: Provider[] = [
  {
    provide: TREND_SETTINGS,
    inject: [HEALTH_MODULE_OPTIONS, HealthService],
    useFactory: (options: { trends?: TrendOptions } | undefined, health: HealthService) =>
      resolveTrendSettings(options?.trends, health.evaluationIntervalMs),
  },
  {
    provide: TREND_STORE,
    inject: [TREND_SETTINGS],
    useFactory: (settings: TrendSettings) => new TrendStore(trendCapacity(settings)),
  },
  TrendRecorder,
  HealthTrends,
  { provide: TREND_SOURCE, useClass: HealthTrendSource },
];
