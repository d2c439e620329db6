import type { Type } from '@nestjs/common';
import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpException,
  Logger,
  NotFoundException,
  Patch,
  Req,
  ServiceUnavailableException,
  UnauthorizedException,
  VERSION_NEUTRAL,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ConfigFleet, ConfigFleetUnavailableError } from '../core/config-fleet';
import { HealthConfigurationError } from '../core/errors';
import type { ConfigChangeEvent, HealthConfiguration } from '../core/health-configuration';
import { describeChanges } from '../core/health-configuration';
import { HealthService } from '../core/health.service';
import { installAdminGate } from './admin-gate';
import {
  adminAccessProblem,
  hasBody,
  PATCH_MEDIA_TYPES,
  patchHeadersProblem,
} from './admin-request';
import { presentedApiKey } from './api-key';
import { HealthHttpSettings } from './health-http.settings';
import type { ResolvedRoutes } from './http.options';

/** With a fleet store a change applies to every instance; without, to this one: answers say which. */
type Scope = 'fleet' | 'instance';

type ChangeAnswer = ConfigChangeEvent & { scope: Scope; revision?: number };

type AdminRequest = IncomingMessage & { originalUrl?: string };

/**
 * `GET <base>/config` (the effective configuration with sources), `PATCH <base>/config` (a JSON
 * merge patch of the runtime layer) and `DELETE <base>/config` (drop every runtime value). Off
 * (404) unless admin keys are configured; without a valid one, 401 and nothing else, before the
 * body is read (`admin-gate.ts`). Every applied change writes one audit line: who (a key's
 * fingerprint), what, from what to what.
 */
export function configController({ basePath, version }: ResolvedRoutes): Type {
  @Controller({ path: `${basePath}/config`, version: version ?? VERSION_NEUTRAL })
  class HealthConfigController {
    private readonly logger = new Logger('HealthConfig');

    constructor(
      readonly health: HealthService,
      readonly http: HealthHttpSettings,
      readonly fleet: ConfigFleet,
      adapterHost: HttpAdapterHost,
    ) {
      const keys = () => this.http.settings.adminKeys;
      const install = () => installAdminGate(adapterHost.httpAdapter, basePath, keys);
      // The adapter is known before the app's body parsers are registered (at init).
      if (adapterHost.init$) adapterHost.init$.subscribe(install);
      else if (adapterHost.httpAdapter) install();
    }

    @Get()
    async get(@Req() req: AdminRequest): Promise<HealthConfiguration & { scope: Scope }> {
      this.admin(req, 'GET');
      const configuration = this.health.configuration();
      if (!this.fleet.enabled) return { ...configuration, scope: 'instance' };
      return {
        ...configuration,
        scope: 'fleet',
        fleet: await this.fleet.status(),
      } as HealthConfiguration & { scope: Scope };
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
    reset(@Req() req: AdminRequest): Promise<ChangeAnswer> {
      const { actor } = this.admin(req, 'DELETE');
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

    /**
     * The caller's key fingerprint and the query's `dryRun`; 404 while the endpoint is off, 401
     * without a valid key (the gate said so already, before the body), 400 for a query parameter
     * the method does not take.
     */
    private admin(req: AdminRequest, method: AdminMethod): { actor: string; dryRun: boolean } {
      const refusal = adminAccessProblem(req.headers, this.http.settings.adminKeys);
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
  return HealthConfigController;
}

type AdminMethod = 'GET' | 'PATCH' | 'DELETE';

/**
 * The admin endpoint's query: PATCH takes `dryRun=true|false` once; nothing else takes any.
 * Returns the problem as text when there is one: a misspelt `dryrun` must not apply for real.
 */
export function parseAdminQuery(
  url: string | undefined,
  method: AdminMethod,
): { dryRun: boolean } | string {
  const query = (url ?? '').split('?').slice(1).join('?');
  let dryRun: boolean | undefined;
  for (const [name, value] of new URLSearchParams(query)) {
    const shown = JSON.stringify(name.slice(0, 40));
    if (method !== 'PATCH' || name !== 'dryRun') {
      const takes = method === 'PATCH' ? 'only dryRun=true or dryRun=false' : 'no query parameter';
      return `Unknown query parameter ${shown}: ${method} takes ${takes}`;
    }
    if (dryRun !== undefined) return 'Query parameter "dryRun" given twice';
    if (value !== 'true' && value !== 'false') return 'Invalid dryRun: expected true or false';
    dryRun = value === 'true';
  }
  return { dryRun: dryRun ?? false };
}

/** The key that fingerprints are made with: random per process (see `fingerprint`). */
const FINGERPRINT_KEY = randomBytes(32);

/**
 * A key's short fingerprint for audit lines: 8 hex digits of an HMAC-SHA256 under a secret of
 * the process, so that whoever reads the logs cannot test a guessed key against it offline.
 * Within one process, one key has one fingerprint.
 */
export function fingerprint(key: string, secret: Buffer = FINGERPRINT_KEY): string {
  return createHmac('sha256', secret).update(key).digest('hex').slice(0, 8);
}

function auditLine({ version, actor, changes }: ConfigChangeEvent): string {
  return `configuration v${version} by ${actor ?? 'code'}: ${describeChanges(changes)}`;
}
