import type { Type } from '@nestjs/common';
import {
  BadRequestException,
  Controller,
  Get,
  Injectable,
  NotFoundException,
  Param,
  Req,
  Res,
} from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { ComponentStatus, SystemHealthStatus } from '../core/health-status';
import type { HealthWriterContext } from '../core/ports';
import { HealthService } from '../core/health.service';
import { toFullReport } from '../formats/report.format';
import { UnknownComponentError } from '../shared/errors';
import { COMPONENT_NAME_PATTERN } from '../shared/names';
import type { HealthRouteVersion } from '../shared/routes';
import { HealthHttpSettings } from './health-http.settings';
import type { PassthroughResponse } from './response';
import { answer } from './response';
import { fullReportWriter, negotiate } from './writers';

/** `GET <base>/components[/:name]`: the full report, or one component, negotiated by `Accept`. */
@Injectable()
export class HealthReportRoutes {
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
    const [report, details] = await Promise.all([
      this.health.checkWithin(),
      this.http.details(req),
    ]);
    return answer(res, writer.write(report, this.context(details)));
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
    const [{ status, lastKnown }, details] = await Promise.all([
      this.run(name),
      this.http.details(req),
    ]);
    const report: SystemHealthStatus = {
      overall_status: status.status,
      components: [status],
      timestamp: this.health.clock.epochMs() / 1000,
      ...(lastKnown ? { lastKnown } : {}),
    };
    const context = this.context(details);
    const written = writer.write(report, context);
    if (writer !== fullReportWriter) return answer(res, written);
    // The component's own body: its age (`age_ms`) when the answer did not wait for the check.
    const [body] = toFullReport(report, details, context.checkedAtMs).components;
    return answer(res, { ...written, body });
  }

  private context(details: boolean): HealthWriterContext {
    return {
      details,
      version: this.health.version,
      draining: this.health.isDraining,
      checkedAtMs: (component) => this.health.runOf(component)?.finishedAtEpochMs,
    };
  }

  private async run(name: string): Promise<{ status: ComponentStatus; lastKnown: boolean }> {
    try {
      return await this.health.componentWithin(name);
    } catch (error) {
      if (error instanceof UnknownComponentError) throw new NotFoundException(error.message);
      throw error;
    }
  }
}

export function reportController(basePath: string, version: HealthRouteVersion): Type {
  @Controller({ path: `${basePath}/components`, version })
  class HealthReportController extends HealthReportRoutes {}
  return HealthReportController;
}
