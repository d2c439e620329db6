import type { ControllerOptions, Type } from '@nestjs/common';
import { BadRequestException, Controller, Get, Query, Res, VERSION_NEUTRAL } from '@nestjs/common';
import { HealthTrends } from './health-trends.service';
import { DEFAULT_TREND_WINDOW, isTrendWindow, TREND_WINDOW_ERROR } from './trend-window';

/**
 * `GET <base>/trends?window=15m|1h|6h|24h` (default 1h): per-component availability, response
 * times and trend from the periodic evaluations. Names and figures only, never a message.
 */
export function trendsController({
  basePath,
  version,
}: {
  basePath: string;
  version?: ControllerOptions['version'];
}): Type {
  @Controller({ path: basePath, version: version ?? VERSION_NEUTRAL })
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
