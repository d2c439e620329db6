import type { Type } from '@nestjs/common';
import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  Patch,
  Req,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { HealthConfiguration } from '../core/check-settings';
import { presentedApiKey } from '../shared/api-key';
import { HealthConfigurationError } from '../shared/errors';
import type { HealthRouteVersion } from '../shared/routes';
import type { AdminMethod } from './admin-request';
import {
  adminAccessProblem,
  fingerprint,
  hasBody,
  PATCH_MEDIA_TYPES,
  parseAdminQuery,
  patchHeadersProblem,
} from './admin-request';
import { ConfigFleet, ConfigFleetUnavailableError } from './config-fleet';
import type { ConfigChangeEvent } from './config-patch';
import { describeChanges } from './config-patch';
import type { ResolvedConfigSettings } from './config.options';
import { CONFIG_SETTINGS } from './config.options';
import { HealthConfigService } from './health-config.service';

/** With a fleet store a change applies to every instance; without, to this one: answers say which. */
type Scope = 'fleet' | 'instance';

type ChangeAnswer = ConfigChangeEvent & { scope: Scope; revision?: number };

type AdminRequest = IncomingMessage & { originalUrl?: string };

/**
 * `GET <path>` (the effective configuration with sources), `PATCH <path>` (a JSON merge patch of
 * the runtime layer) and `DELETE <path>` (drop every runtime value). Off (404) unless admin keys
 * are configured; without a valid one, 401 and nothing else, before the body is read (the gate,
 * `admin-gate.ts`). Every applied change writes one audit line: who (a key's fingerprint), what,
 * from what to what. Mounted by `configController(path, version)`.
 */
@Injectable()
export class HealthConfigRoutes {
  private readonly logger = new Logger('HealthConfig');

  constructor(
    readonly config: HealthConfigService,
    readonly fleet: ConfigFleet,
    @Inject(CONFIG_SETTINGS) readonly settings: ResolvedConfigSettings,
  ) {}

  @Get()
  async get(@Req() req: AdminRequest): Promise<HealthConfiguration & { scope: Scope }> {
    this.admin(req, 'GET');
    const configuration = this.config.configuration();
    if (!this.fleet.enabled) return { ...configuration, scope: 'instance' };
    const fleet = await this.fleet.status();
    return { ...configuration, scope: 'fleet', fleet } as HealthConfiguration & { scope: Scope };
  }

  /** `?dryRun=true`: validated and answered with what would change; nothing is applied. */
  @Patch()
  @HttpCode(200)
  patch(@Req() req: AdminRequest, @Body() body: unknown): Promise<ChangeAnswer> {
    const { actor, dryRun } = this.admin(req, 'PATCH');
    const problem = patchHeadersProblem(req.headers);
    if (problem) throw new HttpException(problem.message, problem.status);
    if (body === undefined || !hasBody(req.headers)) {
      throw new BadRequestException(
        `A JSON merge patch is required as the body (${PATCH_MEDIA_TYPES.join(' or ')})`,
      );
    }
    if (dryRun) {
      return this.apply(async () => ({
        ...this.config.previewConfiguration(body),
        dryRun: true,
      }));
    }
    return this.apply(() =>
      this.fleet.enabled
        ? this.fleet.change(body, { actor })
        : this.config.applyConfiguration(body, { actor }),
    );
  }

  @Delete()
  @HttpCode(200)
  reset(@Req() req: AdminRequest): Promise<ChangeAnswer> {
    const { actor } = this.admin(req, 'DELETE');
    return this.apply(() =>
      this.fleet.enabled ? this.fleet.reset({ actor }) : this.config.resetConfiguration({ actor }),
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

  /**
   * The caller's key fingerprint and the query's `dryRun`; 404 while the endpoint is off, 401
   * without a valid key (the gate said so already, before the body), 400 for a query parameter
   * the method does not take.
   */
  private admin(req: AdminRequest, method: AdminMethod): { actor: string; dryRun: boolean } {
    const refusal = adminAccessProblem(req.headers, this.settings.adminKeys);
    if (refusal?.status === 404) throw new NotFoundException();
    if (refusal) throw new UnauthorizedException();
    const query = parseAdminQuery(req.originalUrl ?? req.url, method);
    if (typeof query === 'string') throw new BadRequestException(query);
    return {
      actor: `key:${fingerprint(presentedApiKey(req.headers) ?? '')}`,
      dryRun: query.dryRun,
    };
  }
}

/** The admin routes mounted at `path` (under the host's global prefix). */
export function configController(path: string, version: HealthRouteVersion): Type {
  @Controller({ path, version })
  class HealthConfigController extends HealthConfigRoutes {}
  return HealthConfigController;
}

function auditLine({ version, actor, changes }: ConfigChangeEvent): string {
  return `configuration v${version} by ${actor ?? 'code'}: ${describeChanges(changes)}`;
}
