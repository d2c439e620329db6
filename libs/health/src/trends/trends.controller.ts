import { BadRequestException, Controller, Get, Query, Res } from '@nestjs/common';
import type { RawResponse } from '../http/send';
import { sendJson } from '../http/send';
import { HealthTrends } from './health-trends.service';
import { DEFAULT_TREND_WINDOW, isTrendWindow, TREND_WINDOW_ERROR } from './trend-window';

/**
 * `GET /v1/health/trends?window=15m|1h|6h|24h` (default 1h): per-component availability,
 * response times and trend from the collector's samples. Names and figures only, never a
 * message or metadata, so the body is the same with or without details.
 */
@Controller('v1/health')
export class TrendsController {
  constructor(private readonly trends: HealthTrends) {}

  @Get('trends')
  get(@Query('window') window: unknown, @Res() res: RawResponse): void {
    const chosen = window ?? DEFAULT_TREND_WINDOW;
    if (!isTrendWindow(chosen)) throw new BadRequestException(TREND_WINDOW_ERROR);
    sendJson(res, 200, this.trends.analyze(chosen), { 'Cache-Control': 'no-store' });
  }
}
