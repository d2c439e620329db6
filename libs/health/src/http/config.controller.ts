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
  Query,
  Req,
  ServiceUnavailableException,
  UnauthorizedException,
  VERSION_NEUTRAL,
} from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ConfigFleet, ConfigFleetUnavailableError } from '../core/config-fleet';
import { HealthConfigurationError } from '../core/errors';
import type { ConfigChangeEvent, HealthConfiguration } from '../core/health-configuration';
import { HealthService } from '../core/health.service';
import { isAuthorized, presentedApiKey } from './api-key';
import { HealthHttpSettings } from './health-http.settings';
import type { ResolvedRoutes } from './http.options';

/** With a fleet store a change applies to every instance; without, to this one: answers say which. */
type Scope = 'fleet' | 'instance';

type ChangeAnswer = ConfigChangeEvent & { scope: Scope; revision?: number };

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
      readonly fleet: ConfigFleet,
    ) {}

    @Get()
    get(@Req() req: IncomingMessage): HealthConfiguration & { scope: Scope } {
      this.admin(req);
      const configuration = this.health.configuration();
      if (!this.fleet.enabled) return { ...configuration, scope: 'instance' };
      return {
        ...configuration,
        scope: 'fleet',
        fleet: { revision: this.fleet.revision, connected: this.fleet.connected },
      } as HealthConfiguration & { scope: Scope };
    }

    /** `?dryRun=true`: validated and answered with what would change; nothing is applied. */
    @Patch()
    @HttpCode(200)
    patch(
      @Req() req: IncomingMessage,
      @Body() body: unknown,
      @Query('dryRun') dryRun?: string,
    ): Promise<ChangeAnswer> {
      const actor = this.admin(req);
      if (dryRun !== undefined && dryRun !== 'true' && dryRun !== 'false') {
        throw new BadRequestException(`Invalid dryRun: expected true or false`);
      }
      if (dryRun === 'true') {
        return this.apply(async () => ({
          ...this.health.previewConfiguration(body),
          dryRun: true,
        }));
      }
      return this.apply(() =>
        this.fleet.enabled
          ? this.fleet.change(body, { actor })
          : this.health.applyConfiguration(body, { actor }),
      );
    }

    @Delete()
    @HttpCode(200)
    reset(@Req() req: IncomingMessage): Promise<ChangeAnswer> {
      const actor = this.admin(req);
      return this.apply(() =>
        this.fleet.enabled
          ? this.fleet.reset({ actor })
          : this.health.resetConfiguration({ actor }),
      );
    }

    private async apply(
      change: () => ConfigChangeEvent | Promise<ConfigChangeEvent & { dryRun?: boolean }>,
    ): Promise<ChangeAnswer> {
      let event: ConfigChangeEvent & { dryRun?: boolean };
      try {
        event = await change();
      } catch (error) {
        if (error instanceof HealthConfigurationError) throw new BadRequestException(error.message);
        if (error instanceof ConfigFleetUnavailableError) {
          throw new ServiceUnavailableException(error.message);
        }
        throw error;
      }
      if (event.changes.length > 0 && !event.dryRun) this.logger.log(auditLine(event));
      return { ...event, scope: this.fleet.enabled ? 'fleet' : 'instance' };
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
