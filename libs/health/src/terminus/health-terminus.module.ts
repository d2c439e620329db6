import type { DynamicModule, Type } from '@nestjs/common';
import { Controller, Get, Module, Req, Res, VERSION_NEUTRAL } from '@nestjs/common';
import { DiscoveryModule, ModuleRef } from '@nestjs/core';
import { HealthConfigurationError } from '../shared/errors';
import { HealthService } from '../core/health.service';
import { HealthHttpSettings } from '../http/health-http.settings';
import type { HealthRequest } from '../core/ports';
import type { HealthRouteVersion } from '../shared/routes';
import { routeClashCheck } from '../shared/route-clash';
import { terminusStatusCode, toTerminusBody } from './terminus.format';

export interface HealthTerminusOptions {
  /**
   * Where the Terminus-format report is served, under the host's global prefix. Default
   * `v1/health/terminus`. Give the path your Terminus controller had (often `health`) and the
   * monitors keep their URL (turn HealthModule's `http.redirect` off then: it serves `GET health`).
   */
  path?: string;
  /** Only the checks carrying one of these tags, like a Terminus endpoint listing its indicators. */
  tags?: readonly string[];
  /** Version of the controller under URI/header versioning. Default VERSION_NEUTRAL. */
  version?: HealthRouteVersion;
}

interface ResolvedTerminusOptions {
  path: string;
  tags?: readonly string[];
  version: HealthRouteVersion;
}

/** The response object Nest hands a passthrough handler (Express response or Fastify reply). */
interface PassthroughResponse {
  status(code: number): unknown;
  header(name: string, value: string): unknown;
}

const PATH = /^[A-Za-z0-9_~.@-]+(\/[A-Za-z0-9_~.@-]+)*$/;

/**
 * Serves the report in Terminus's format, `{ status, info, error, details }`, with Terminus's
 * status codes (200 for `ok` and `degraded`, 503 for `error` and `shutting_down`), so a monitor
 * written for Terminus keeps working. `shutting_down` while the service drains. Messages and
 * metadata follow HealthModule's `details` setting. Needs `HealthModule` in the app; call
 * `forRoot` once per route.
 */
@Module({})
export class HealthTerminusModule {
  static forRoot(options: HealthTerminusOptions = {}): DynamicModule {
    const resolved = resolveTerminusOptions(options);
    const controllers = [terminusController(resolved)];
    return {
      module: HealthTerminusModule,
      imports: [DiscoveryModule],
      controllers,
      providers: [routeClashCheck('HealthTerminusModule', controllers)],
    };
  }
}

export function resolveTerminusOptions(options: HealthTerminusOptions): ResolvedTerminusOptions {
  if (options === null || typeof options !== 'object') {
    throw new HealthConfigurationError('terminus', options, 'an object');
  }
  const given = options.path ?? 'v1/health/terminus';
  const path = typeof given === 'string' ? given.replace(/^\/+|\/+$/g, '') : given;
  if (typeof path !== 'string' || !PATH.test(path)) {
    throw new HealthConfigurationError('terminus.path', options.path, 'a URL path such as health');
  }
  const { tags } = options;
  const tagsOk =
    tags === undefined ||
    (Array.isArray(tags) && tags.length > 0 && tags.every((t) => typeof t === 'string' && t));
  if (!tagsOk) {
    throw new HealthConfigurationError('terminus.tags', tags, 'a non-empty array of tag names');
  }
  return { path, tags, version: options.version ?? VERSION_NEUTRAL };
}

function terminusController({ path, tags, version }: ResolvedTerminusOptions): Type {
  @Controller({ path, version })
  class TerminusFormatController {
    private http?: HealthHttpSettings;

    constructor(
      readonly health: HealthService,
      readonly moduleRef: ModuleRef,
    ) {}

    @Get()
    async report(
      @Req() req: HealthRequest,
      @Res({ passthrough: true }) res: PassthroughResponse,
    ): Promise<unknown> {
      const [report, details] = await Promise.all([
        this.health.check(tags ? { tags } : {}),
        this.settings().details(req),
      ]);
      const body = toTerminusBody(report, { details, shuttingDown: this.health.isDraining });
      res.status(terminusStatusCode(body.status));
      res.header('Cache-Control', 'no-store');
      res.header('Content-Type', 'application/json; charset=utf-8');
      return body;
    }

    /** HealthModule's HTTP settings (who sees details): not exported, so looked up once. */
    private settings(): HealthHttpSettings {
      this.http ??= this.moduleRef.get(HealthHttpSettings, { strict: false });
      return this.http;
    }
  }
  return TerminusFormatController;
}
