import type { Provider } from '@nestjs/common';
import { MODULE_OPTIONS_TOKEN } from '../health.module-definition';
import type { HealthModuleOptions } from '../health.options';
import { HealthTrends } from './health-trends.service';
import { TREND_SETTINGS, resolveTrendSettings } from './trend.options';
import { TrendRecorder } from './trend.recorder';
import { TREND_STORE, TrendStore, trendCapacity } from './trend.store';
import type { TrendSettings } from './trend.options';

/** What HealthModule provides for trends: their settings, the store, its recorder, `HealthTrends`. */
export const TREND_PROVIDERS: Provider[] = [
  {
    provide: TREND_SETTINGS,
    inject: [MODULE_OPTIONS_TOKEN],
    useFactory: (options: HealthModuleOptions) => resolveTrendSettings(options ?? {}),
  },
  {
    provide: TREND_STORE,
    inject: [TREND_SETTINGS],
    useFactory: (settings: TrendSettings) => new TrendStore(trendCapacity(settings)),
  },
  TrendRecorder,
  HealthTrends,
];
