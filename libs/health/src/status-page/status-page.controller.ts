import type { Type } from '@nestjs/common';
import {
  BadRequestException,
  Controller,
  Get,
  Inject,
  Injectable,
  Optional,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import type { ComponentStatus } from '../core/health-status';
import { HealthService } from '../core/health.service';
import type { DetailsAccess, HealthRequest, TrendSource } from '../core/ports';
import { DETAILS_ACCESS, TREND_SOURCE } from '../core/ports';
import type { HealthRouteVersion } from '../shared/routes';
import type { TrendWindow } from '../shared/trend-window';
import {
  DEFAULT_TREND_WINDOW,
  isTrendWindow,
  TREND_WINDOW_ERROR,
  TREND_WINDOWS,
} from '../shared/trend-window';
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

/** Where the page's live updates come from, when the event stream is mounted. */
export const STATUS_PAGE_EVENTS = Symbol('HEALTH_STATUS_PAGE_EVENTS');

/**
 * `GET <base>/status?window=15m|1h|6h|24h`: the status page, rendered on the server from the
 * last report and, when trends are recorded, their figures (it runs no check). Messages follow
 * the details rule. Sent through Nest (the host's interceptors run), always 200: it is for
 * people, probes have their own routes. Mounted by `statusPageController`.
 */
@Injectable()
export class HealthStatusPageRoutes {
  constructor(
    readonly health: HealthService,
    @Inject(DETAILS_ACCESS) readonly access: DetailsAccess,
    @Inject(STATUS_PAGE_EVENTS) readonly liveUpdates: boolean,
    @Optional() @Inject(TREND_SOURCE) readonly trends?: TrendSource,
  ) {}

  @Get('status')
  async page(
    @Query('window') window: unknown,
    @Req() req: HealthRequest & { originalUrl?: string },
    @Res({ passthrough: true }) res: PageResponse,
  ): Promise<string> {
    const chosen = window ?? DEFAULT_TREND_WINDOW;
    if (!isTrendWindow(chosen)) throw new BadRequestException(TREND_WINDOW_ERROR);
    const details = await this.access.details(req);
    const path = (req.originalUrl ?? req.url ?? '').split('?')[0];
    const html = renderStatusPage(this.model(chosen, details, path));
    res.status(200);
    for (const [name, value] of Object.entries(PAGE_HEADERS)) res.header(name, value);
    return html;
  }

  private model(window: TrendWindow, details: boolean, path: string): StatusPageModel {
    const report = this.health.getLastReport();
    const nowMs = this.health.clock.epochMs();
    const summary = this.trends?.summary(window);
    const startMs = nowMs - TREND_WINDOWS[window];
    const components = (report?.components ?? []).map((c): StatusPageComponent => {
      const trend = summary?.get(c.name);
      const series = this.trends?.samples(c.name, startMs);
      return {
        name: c.name,
        status: c.status,
        shadow: c.shadow === true,
        ...(details ? { message: c.message } : {}),
        checkedAtMs: this.checkedAtMs(c, report!.timestamp * 1000),
        availabilityPct: trend?.availabilityPct ?? null,
        p95Ms: trend?.p95Ms ?? null,
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
      eventsPath: this.liveUpdates ? eventsLink(path) : undefined,
    };
  }

  /** When the run behind this status finished, on the wall clock (a cached result is older). */
  private checkedAtMs(status: ComponentStatus, fallbackMs: number): number {
    return this.health.runOf(status)?.finishedAtEpochMs ?? fallbackMs;
  }
}

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

/** The status page mounted under `basePath` (`STATUS_PAGE_EVENTS` says if it updates live). */
export function statusPageController(basePath: string, version: HealthRouteVersion): Type {
  @Controller({ path: basePath, version })
  class HealthStatusPageController extends HealthStatusPageRoutes {}
  return HealthStatusPageController;
}
