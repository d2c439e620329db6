import { isAuthorized } from '@nest-health/core';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Injectable, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Request } from 'express';

/**
 * Requires the service's `API_KEY` as `Authorization: Bearer <key>` or `X-API-Key: <key>`,
 * compared in constant time. With no `API_KEY` configured, every request passes.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(private readonly config: ConfigService) {}

  canActivate(context: ExecutionContext): boolean {
    const expected = this.config.get<string>('API_KEY');
    if (!expected) return true;
    if (isAuthorized(context.switchToHttp().getRequest<Request>().headers, [expected])) return true;
    throw new UnauthorizedException(
      'A valid API key is required (Authorization: Bearer or X-API-Key)',
    );
  }
}
