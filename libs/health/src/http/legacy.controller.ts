import type { Type } from '@nestjs/common';
import { Controller, Get, Injectable, Res } from '@nestjs/common';
import { HealthService } from '../core/health.service';
import type { HealthRouteVersion } from '../shared/routes';
import type { RawResponse } from '../shared/send';
import { HealthHttpSettings } from './health-http.settings';
import { writeLegacy } from './legacy.endpoint';

/** `GET <base>`: the legacy body, always 200 (`legacy.endpoint.ts`). */
@Injectable()
export class LegacyHealthRoutes {
  constructor(
    readonly health: HealthService,
    readonly http: HealthHttpSettings,
  ) {}

  @Get()
  async legacy(@Res() res: RawResponse): Promise<void> {
    await writeLegacy(this.health, this.http.settings.legacy, res);
  }
}

export function legacyController(basePath: string, version: HealthRouteVersion): Type {
  @Controller({ path: basePath, version })
  class LegacyHealthController extends LegacyHealthRoutes {}
  return LegacyHealthController;
}
