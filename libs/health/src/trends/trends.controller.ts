import type { Type } from '@nestjs/common';
import { BadRequestException, Controller, Get, Query, Res } from '@nestjs/common';
import type { HealthRouteVersion } from '../shared/routes';
import { HealthTrends } from './health-trends.service';
import { DEFAULT_TREND_WINDOW, isTrendWindow, TREND_WINDOW_ERROR } from '../shared/trend-window';

/**
 * `GET <base>/trends?window=15m|1h|6h|24h` (default 1h): per-component availability, response
 * times and trend from the periodic evaluations. Names and figures only, never a message.
 */
export function trendsController(basePath: string, version: HealthRouteVersion): Type {
  @Controller({ path: basePath, version })
  class TrendsController {
    constructor(readonly trends: HealthTrends) {}

    @Get('trends')
    get(
      @Query('window') window: unknown,
      @Res({ passthrough: true }) res: { header(name: string, value: string): unknown },
    ): unknown {
      const chosen = window ?? DEFAULT_TREND_WINDOW;
      if (!isTrendWindow(chosen)) throw new BadRequestException(TREND_WINDOW_ERROR);
      res.header('Cache-Control', 'no-store');
      res.header('Content-Type', 'application/json; charset=utf-8');
      return this.trends.analyze(chosen);
    }
  }
  return TrendsController;
}
