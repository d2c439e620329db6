import {
  BadRequestException,
  Controller,
  Get,
  NotFoundException,
  Param,
  Req,
  Res,
} from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { UnknownComponentError } from '../core/errors';
import { HealthService } from '../core/health.service';
import type { ComponentStatus, SystemHealthStatus } from '../core/health-status';
import { COMPONENT_NAME_PATTERN } from '../health.options';
import { isAuthorized } from './api-key';
import { HEALTH_JSON, toHealthJson } from './health-json.format';
import { httpStatusOf, toComponentBody, toFullReport } from './report.format';
import type { RawResponse } from './send';
import { sendJson } from './send';

const NO_STORE = { 'Cache-Control': 'no-store' };

/**
 * `GET /v1/health/components` (the full report) and `GET /v1/health/components/:name`:
 * 200 while healthy or degraded, 503 when unhealthy; `Accept: application/health+json` gives
 * the IETF draft format. Messages and metadata follow the details-visibility rule.
 */
@Controller('v1/health/components')
export class HealthReportController {
  constructor(private readonly health: HealthService) {}

  @Get()
  async report(@Req() req: IncomingMessage, @Res() res: RawResponse): Promise<void> {
    this.send(req, res, await this.health.check());
  }

  @Get(':name')
  async component(
    @Param('name') name: string,
    @Req() req: IncomingMessage,
    @Res() res: RawResponse,
  ): Promise<void> {
    if (!COMPONENT_NAME_PATTERN.test(name)) {
      throw new BadRequestException(
        `Invalid component name ${JSON.stringify(name.slice(0, 80))}: expected [a-z0-9_-]{1,64}`,
      );
    }
    let status: ComponentStatus;
    try {
      status = await this.health.checkComponent(name);
    } catch (error) {
      if (error instanceof UnknownComponentError) throw new NotFoundException(error.message);
      throw error;
    }
    const report = {
      overall_status: status.status,
      components: [status],
      timestamp: this.health.settings.clock.epochMs() / 1000,
    };
    if (wantsHealthJson(req)) return this.send(req, res, report);
    sendJson(
      res,
      httpStatusOf(status.status),
      toComponentBody(status, this.details(req)),
      NO_STORE,
    );
  }

  private send(req: IncomingMessage, res: RawResponse, report: SystemHealthStatus): void {
    const code = httpStatusOf(report.overall_status);
    const details = this.details(req);
    if (wantsHealthJson(req)) {
      const body = toHealthJson(report, { version: this.health.version, details });
      sendJson(res, code, body, { ...NO_STORE, 'Content-Type': HEALTH_JSON });
    } else {
      sendJson(res, code, toFullReport(report, details), NO_STORE);
    }
  }

  /** `always`, `never`, or `when-authorized`: the service's API key, compared in constant time. */
  private details(req: IncomingMessage): boolean {
    const { details, apiKeys } = this.health.settings;
    return (
      details === 'always' || (details === 'when-authorized' && isAuthorized(req.headers, apiKeys))
    );
  }
}

function wantsHealthJson(req: IncomingMessage): boolean {
  return (req.headers.accept ?? '').toLowerCase().includes(HEALTH_JSON);
}
