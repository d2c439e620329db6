import type { DynamicModule, Type } from '@nestjs/common';
import {
  Controller,
  Get,
  Inject,
  Injectable,
  Module,
  Optional,
  Req,
  Res,
  VERSION_NEUTRAL,
} from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { HealthConfigurationError } from '../shared/errors';
import { HealthService } from '../core/health.service';
import type { DetailsAccess, HealthRequest } from '../core/ports';
import { DETAILS_ACCESS } from '../core/ports';
import type { HealthRouteVersion } from '../shared/routes';
import { routePath } from '../shared/routes';
import { routeClashCheck } from '../shared/route-clash';
import { terminusWriter } from './terminus.writer';

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
  const path = routePath('terminus.path', options.path, 'v1/health/terminus', 'health');
  const { tags } = options;
  const tagsOk =
    tags === undefined ||
    (Array.isArray(tags) && tags.length > 0 && tags.every((t) => typeof t === 'string' && t));
  if (!tagsOk) {
    throw new HealthConfigurationError('terminus.tags', tags, 'a non-empty array of tag names');
  }
  return { path, tags, version: options.version ?? VERSION_NEUTRAL };
}

/** The Terminus-format route: the report through `terminusWriter`, as `application/json`. */
@Injectable()
export class TerminusFormatRoutes {
  /** The tags the route's checks carry (all checks when unset), set on each mounted class. */
  protected readonly tags?: readonly string[];

  constructor(
    readonly health: HealthService,
    @Optional() @Inject(DETAILS_ACCESS) readonly access?: DetailsAccess,
  ) {}

  @Get()
  async report(
    @Req() req: HealthRequest,
    @Res({ passthrough: true }) res: PassthroughResponse,
  ): Promise<unknown> {
    const [report, details] = await Promise.all([
      this.health.checkWithin(this.tags ? { tags: this.tags } : {}),
      this.access?.details(req) ?? false,
    ]);
    const written = terminusWriter.write(report, {
      details,
      version: this.health.version,
      draining: this.health.isDraining,
    });
    res.status(written.status);
    res.header('Cache-Control', 'no-store');
    // Terminus's own routes answer plain JSON; the vendor type is for negotiation only.
    res.header('Content-Type', 'application/json; charset=utf-8');
    return written.body;
  }
}

function terminusController({ path, tags, version }: ResolvedTerminusOptions): Type {
  @Controller({ path, version })
  class TerminusFormatController extends TerminusFormatRoutes {
    protected override readonly tags = tags;
  }
  return TerminusFormatController;
}
