import type { Type } from '@nestjs/common';
import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Logger,
  NotFoundException,
  Patch,
  Req,
  UnauthorizedException,
  VERSION_NEUTRAL,
} from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HealthConfigurationError } from '../core/errors';
import type { ConfigChangeEvent, HealthConfiguration } from '../core/health-configuration';
import { HealthService } from '../core/health.service';
import { isAuthorized, presentedApiKey } from './api-key';
import { HealthHttpSettings } from './health-http.settings';
import type { ResolvedRoutes } from './http.options';

/** Without a fleet store, a change applies to this instance only; the answer says so. */
const SCOPE = 'instance';

/**
 * `GET <base>/config` (the effective configuration with sources), `PATCH <base>/config` (a JSON
 * merge patch of the runtime layer) and `DELETE <base>/config` (drop every runtime value). Off
 * (404) unless admin keys are configured; without a valid one, 401 and nothing else. Every
 * applied change writes one audit line: who (a key's short fingerprint), what, from what to what.
 */
export function configController({ basePath, version }: ResolvedRoutes): Type {
  @Controller({ path: `${basePath}/config`, version: version ?? VERSION_NEUTRAL })
  class HealthConfigController {
    private readonly logger = new Logger('HealthConfig');

    constructor(
      readonly health: HealthService,
      readonly http: HealthHttpSettings,
    ) {}

    @Get()
    get(@Req() req: IncomingMessage): HealthConfiguration & { scope: string } {
      this.admin(req);
      return { ...this.health.configuration(), scope: SCOPE };
    }

    @Patch()
    @HttpCode(200)
    patch(
      @Req() req: IncomingMessage,
      @Body() body: unknown,
    ): ConfigChangeEvent & { scope: string } {
      const actor = this.admin(req);
      return this.apply(() => this.health.applyConfiguration(body, { actor }));
    }

    @Delete()
    @HttpCode(200)
    reset(@Req() req: IncomingMessage): ConfigChangeEvent & { scope: string } {
      const actor = this.admin(req);
      return this.apply(() => this.health.resetConfiguration({ actor }));
    }

    private apply(change: () => ConfigChangeEvent): ConfigChangeEvent & { scope: string } {
      let event: ConfigChangeEvent;
      try {
        event = change();
      } catch (error) {
        if (error instanceof HealthConfigurationError) throw new BadRequestException(error.message);
        throw error;
      }
      if (event.changes.length > 0) this.logger.log(auditLine(event));
      return { ...event, scope: SCOPE };
    }

    /** The caller's key fingerprint; 404 while the endpoint is off, 401 without a valid key. */
    private admin(req: IncomingMessage): string {
      const keys = this.http.settings.adminKeys;
      if (keys.length === 0) throw new NotFoundException();
      if (!isAuthorized(req.headers, keys)) throw new UnauthorizedException();
      return `key:${fingerprint(presentedApiKey(req.headers) ?? '')}`;
    }
  }
  return HealthConfigController;
}

/** A key's short fingerprint: enough to tell keys apart in an audit line, nothing to reuse. */
export function fingerprint(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

function auditLine({ version, actor, changes }: ConfigChangeEvent): string {
  const what = changes
    .map(({ path, from, to }) => `${path} ${JSON.stringify(from)} -> ${JSON.stringify(to)}`)
    .join(', ');
  return `configuration v${version} by ${actor ?? 'code'}: ${what}`;
}
