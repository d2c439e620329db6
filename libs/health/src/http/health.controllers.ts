import type { Type } from '@nestjs/common';
import {
  BadRequestException,
  Controller,
  Get,
  NotFoundException,
  Param,
  Query,
  Req,
  Res,
  VERSION_NEUTRAL,
} from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { UnknownComponentError } from '../shared/errors';
import type { ComponentStatus, SystemHealthStatus } from '../core/health-status';
import { HealthService } from '../core/health.service';
import { COMPONENT_NAME_PATTERN } from '../shared/names';
import { toComponentBody } from '../formats/report.format';
import { HealthHttpSettings } from './health-http.settings';
import type { ResolvedRoutes } from './http.options';
import { writeLegacy } from './legacy.endpoint';
import { readinessAnswer } from './probes';
import type { RawResponse } from '../shared/send';
import type { HealthWriterResponse } from './writers';
import { fullReportWriter, negotiate } from './writers';

/** The response object Nest hands a passthrough handler (Express response or Fastify reply). */
interface PassthroughResponse {
  status(code: number): unknown;
  header(name: string, value: string): unknown;
}

type ProbeQuery = { verbose?: unknown; exclude?: unknown };

const NO_STORE = 'no-store';

/** Applies a writer's status and headers; the body is returned to Nest, which sends it. */
function answer(res: PassthroughResponse, response: HealthWriterResponse): unknown {
  res.status(response.status);
  res.header('Cache-Control', NO_STORE);
  for (const [name, value] of Object.entries(response.headers ?? {})) res.header(name, value);
  return response.body;
}

function text(res: PassthroughResponse, status: number, body: string): string {
  return answer(res, {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    body,
  }) as string;
}

/**
 * The controllers for these routes: classes made per module, so the paths come from the
 * options, follow the host's global prefix, and stay out of URI versioning by default.
 */
export function healthControllers(routes: ResolvedRoutes): Type[] {
  const { basePath, endpoints } = routes;
  const version = routes.version ?? VERSION_NEUTRAL;
  const controllers: Type[] = [];

  if (endpoints.legacy) {
    @Controller({ path: basePath, version })
    class LegacyHealthController {
      constructor(
        readonly health: HealthService,
        readonly http: HealthHttpSettings,
      ) {}

      @Get()
      async legacy(@Res() res: RawResponse): Promise<void> {
        await writeLegacy(this.health, this.http.settings.legacy, res);
      }
    }
    controllers.push(LegacyHealthController);
  }

  if (routes.redirect) {
    @Controller({ path: '', version })
    class HealthRedirectController {
      @Get('health')
      redirect(
        @Req() req: IncomingMessage,
        @Res({ passthrough: true }) res: PassthroughResponse,
      ): string {
        const [path, query] = (req.url ?? '/health').split('?');
        const target = `${path.replace(/health\/?$/, '')}${basePath}${query ? `?${query}` : ''}`;
        res.status(301);
        res.header('Location', target);
        res.header('Cache-Control', NO_STORE);
        return '';
      }
    }
    controllers.push(HealthRedirectController);
  }

  if (endpoints.components) {
    @Controller({ path: `${basePath}/components`, version })
    class HealthReportController {
      constructor(
        readonly health: HealthService,
        readonly http: HealthHttpSettings,
      ) {}

      @Get()
      async report(
        @Req() req: IncomingMessage,
        @Res({ passthrough: true }) res: PassthroughResponse,
      ): Promise<unknown> {
        const writer = negotiate(req.headers.accept, this.http.writers);
        const [report, details] = await Promise.all([this.health.check(), this.http.details(req)]);
        return answer(
          res,
          writer.write(report, {
            details,
            version: this.health.version,
            draining: this.health.isDraining,
          }),
        );
      }

      @Get(':name')
      async component(
        @Param('name') name: string,
        @Req() req: IncomingMessage,
        @Res({ passthrough: true }) res: PassthroughResponse,
      ): Promise<unknown> {
        if (!COMPONENT_NAME_PATTERN.test(name)) {
          throw new BadRequestException(
            `Invalid component name ${JSON.stringify(name.slice(0, 80))}: expected [a-z0-9_-]{1,64}`,
          );
        }
        const writer = negotiate(req.headers.accept, this.http.writers);
        const [status, details] = await Promise.all([
          this.component_(name),
          this.http.details(req),
        ]);
        const context = {
          details,
          version: this.health.version,
          draining: this.health.isDraining,
        };
        const report: SystemHealthStatus = {
          overall_status: status.status,
          components: [status],
          timestamp: this.health.clock.epochMs() / 1000,
        };
        const written = writer.write(report, context);
        if (writer !== fullReportWriter) return answer(res, written);
        return answer(res, { ...written, body: toComponentBody(status, details) });
      }

      private async component_(name: string): Promise<ComponentStatus> {
        try {
          return await this.health.checkComponent(name);
        } catch (error) {
          if (error instanceof UnknownComponentError) throw new NotFoundException(error.message);
          throw error;
        }
      }
    }
    controllers.push(HealthReportController);
  }

  if (endpoints.probes) {
    /**
     * Kubernetes-style probes, in kube-apiserver's text format: `ok`, or one line per check
     * (`[+]cache ok`, `[-]ai_model failed`) with `?verbose` and on failure; `?exclude=name`
     * leaves a check out. Messages never appear here: names and verdicts only.
     */
    @Controller({ path: basePath, version })
    class ProbesController {
      constructor(
        readonly health: HealthService,
        readonly http: HealthHttpSettings,
      ) {}

      /** 200 while the process can serve; runs no dependency check. */
      @Get('live')
      live(
        @Query() query: ProbeQuery,
        @Res({ passthrough: true }) res: PassthroughResponse,
      ): string {
        return text(res, 200, 'verbose' in query ? '[+]process ok\nlive check passed\n' : 'ok\n');
      }

      /** Runs the readiness checks; 503 when one is unhealthy or while the service drains. */
      @Get('ready')
      async ready(
        @Query() query: ProbeQuery,
        @Res({ passthrough: true }) res: PassthroughResponse,
      ): Promise<string> {
        const { status, body } = await readinessAnswer(
          this.health,
          this.http.settings.probeTimeoutMs,
          'verbose' in query,
          excluded(query),
        );
        return text(res, status, body);
      }

      /** 503 until the first full evaluation has finished, then 200. */
      @Get('startup')
      startup(@Res({ passthrough: true }) res: PassthroughResponse): string {
        if (this.health.started) return text(res, 200, 'ok\n');
        return text(
          res,
          503,
          'startup check failed: the first health evaluation has not finished\n',
        );
      }
    }
    controllers.push(ProbesController);
  }

  return controllers;
}

function excluded({ exclude }: ProbeQuery): string[] {
  const values = Array.isArray(exclude) ? exclude : [exclude];
  return values.filter((v): v is string => typeof v === 'string' && v !== '');
}
