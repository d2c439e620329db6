import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { RequestHeaders } from '../shared/api-key';
import { isAuthorized } from '../shared/api-key';
import type { ResolvedMetricsSettings } from './metrics.settings';
import { HEALTH_METRICS_SETTINGS } from './metrics.settings';

/** A response of Express or Fastify: both set a header with `header(name, value)`. */
interface HeaderResponse {
  header(name: string, value: string): unknown;
}

/**
 * Guards a metrics route with `HealthMetricsModule`'s `token` (`HEALTH_METRICS_TOKEN`) as its own
 * `/metrics` is: `Authorization: Bearer <token>` or `X-API-Key: <token>`, compared in constant
 * time; else 401 with `WWW-Authenticate: Bearer realm="metrics"` and nothing else. Every answer
 * gets `Cache-Control: no-store`. Without a token, it lets every scrape through.
 *
 * For the controller of `@willsoto/nestjs-prometheus` (a subclass of its `PrometheusController`
 * with `@UseGuards(HealthMetricsGuard)`, given as `PrometheusModule.register({ controller })`):
 * with a token set, `HealthMetricsModule` refuses to start while that controller is unguarded.
 */
@Injectable()
export class HealthMetricsGuard implements CanActivate {
  /** @internal Nest makes it, with the settings of `HealthMetricsModule`. */
  constructor(
    @Inject(HEALTH_METRICS_SETTINGS) private readonly settings: ResolvedMetricsSettings,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const res = http.getResponse<HeaderResponse>();
    res.header('Cache-Control', 'no-store');
    const { tokens } = this.settings;
    if (tokens.length === 0) return true;
    const headers = http.getRequest<{ headers: RequestHeaders }>().headers;
    if (isAuthorized(headers, tokens)) return true;
    res.header('WWW-Authenticate', 'Bearer realm="metrics"');
    throw new UnauthorizedException();
  }
}
