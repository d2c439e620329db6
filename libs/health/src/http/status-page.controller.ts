import type { Type } from '@nestjs/common';
import {
  BadRequestException,
  Controller,
  Get,
  Inject,
  Query,
  Req,
  Res,
  VERSION_NEUTRAL,
} from '@nestjs/common';
import type { ComponentStatus } from '../core/health-status';
import { HealthService } from '../core/health.service';
import { HealthTrends } from '../trends/health-trends.service';
import type { TrendStore } from '../trends/trend.store';
import { TREND_STORE } from '../trends/trend.store';
import type { TrendWindow } from '../trends/trend-window';
import {
  DEFAULT_TREND_WINDOW,
  isTrendWindow,
  TREND_WINDOW_ERROR,
  TREND_WINDOWS,
} from '../trends/trend-window';
import { HealthHttpSettings } from './health-http.settings';
import type { HealthRequest, ResolvedRoutes } from './http.options';
import { sparkline } from './sparkline';
import { STATUS_PAGE_CSP } from './status-page.assets';
import type { StatusPageComponent, StatusPageModel } from './status-page.view';
import { renderStatusPage, WINDOW_LABELS } from './status-page.view';

interface PageResponse {
  status(code: number): unknown;
  header(name: string, value: string): unknown;
}

const PAGE_HEADERS: Record<string, string> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Content-Security-Policy': STATUS_PAGE_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

/**
 * The event stream's link, relative to the page at `path` (the request's, without its query):
 * `events` is mounted beside `status` (same base path, version and global prefix), so the browser
 * resolves it under whatever came before, spelled as it was (letter case, a proxy's own prefix).
 * Past a trailing slash (`status/`, which Express routes too) one `../` per slash.
 */
export function eventsLink(path: string): string {
  let end = path.length;
  while (end > 0 && path[end - 1] === '/') end--;
  return `${'../'.repeat(path.length - end)}events`;
}

/**
 * `GET <base>/status?window=15m|1h|6h|24h`: the status page, rendered on the server from the
 * last report and the trends (it runs no check). Messages follow the details rule. Sent through
 * Nest (the host's interceptors run), always 200: it is for people, probes have their own routes.
 */
export function statusPageController(routes: ResolvedRoutes): Type {
  const { basePath, version, endpoints } = routes;

  @Controller({ path: basePath, version: version ?? VERSION_NEUTRAL })
  class HealthStatusPageController {
    constructor(
      readonly health: HealthService,
      readonly http: HealthHttpSettings,
      readonly trends: HealthTrends,
      @Inject(TREND_STORE) readonly store: TrendStore,
    ) {}

    @Get('status')
    async page(
      @Query('window') window: unknown,
      @Req() req: HealthRequest & { originalUrl?: string },
      @Res({ passthrough: true }) res: PageResponse,
    ): Promise<string> {
      const chosen = window ?? DEFAULT_TREND_WINDOW;
      if (!isTrendWindow(chosen)) throw new BadRequestException(TREND_WINDOW_ERROR);
      const details = await this.http.details(req);
      const path = (req.originalUrl ?? req.url ?? '').split('?')[0];
      const html = renderStatusPage(this.model(chosen, details, eventsLink(path)));
      res.status(200);
      for (const [name, value] of Object.entries(PAGE_HEADERS)) res.header(name, value);
      return html;
    }

    private model(window: TrendWindow, details: boolean, eventsPath: string): StatusPageModel {
      const report = this.health.getLastReport();
      const nowMs = this.health.clock.epochMs();
      const trends = this.trends.analyze(window).components;
      const startMs = nowMs - TREND_WINDOWS[window];
      const components = (report?.components ?? []).map((c): StatusPageComponent => {
        const trend = trends[c.name];
        const series = this.store.since(c.name, startMs);
        return {
          name: c.name,
          status: c.status,
          shadow: c.shadow === true,
          ...(details ? { message: c.message } : {}),
          checkedAtMs: this.checkedAtMs(c, report!.timestamp * 1000, nowMs),
          availabilityPct: trend?.availability_pct ?? null,
          p95Ms: trend?.response_time_ms?.p95 ?? null,
          sparkline: series
            ? sparkline(series, { startMs, endMs: nowMs, label: WINDOW_LABELS[window].long })
            : '',
        };
      });
      return {
        version: this.health.version,
        nowMs,
        window,
        overall: report?.overall_status,
        components,
        details,
        draining: this.health.isDraining,
        eventsPath: endpoints.events ? eventsPath : undefined,
      };
    }

    /** When the run behind this status finished, on the wall clock (a cached result is older). */
    private checkedAtMs(status: ComponentStatus, fallbackMs: number, nowMs: number): number {
      const run = this.health.runOf(status);
      if (!run) return fallbackMs;
      return nowMs - (this.health.clock.monotonicMs() - run.finishedAt);
    }
  }
  return HealthStatusPageController;
}
