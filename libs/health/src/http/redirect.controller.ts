import type { Type } from '@nestjs/common';
import { Controller, Get, Injectable, Req, Res } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { HealthRouteVersion } from '../shared/routes';
import type { PassthroughResponse } from './response';
import { NO_STORE } from './response';

/** `GET health` -> 301 to the base path, under the same prefix, keeping the query. */
@Injectable()
export class HealthRedirectRoutes {
  /** The base path, set on each mounted class. */
  protected readonly basePath: string = '';

  @Get('health')
  redirect(
    @Req() req: IncomingMessage,
    @Res({ passthrough: true }) res: PassthroughResponse,
  ): string {
    const [path, query] = (req.url ?? '/health').split('?');
    const target = `${path.replace(/health\/?$/, '')}${this.basePath}${query ? `?${query}` : ''}`;
    res.status(301);
    res.header('Location', target);
    res.header('Cache-Control', NO_STORE);
    return '';
  }
}

export function redirectController(basePath: string, version: HealthRouteVersion): Type {
  @Controller({ path: '', version })
  class HealthRedirectController extends HealthRedirectRoutes {
    protected override readonly basePath = basePath;
  }
  return HealthRedirectController;
}
