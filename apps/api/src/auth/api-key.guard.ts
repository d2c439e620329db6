import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { ApiKeys } from './api-keys';

/**
 * Requires one of the service's keys (`API_KEY`, `ADDITIONAL_API_KEYS`) as
 * `Authorization: Bearer <key>` or `X-API-Key: <key>`, compared in constant time. With no key
 * configured, every request passes. `requireApiKeyBeforeBody` runs the same check before the body
 * is parsed; this guard stays on the routes so that no route depends on that ordering alone.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(private readonly keys: ApiKeys) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.keys.accepts(context.switchToHttp().getRequest<Request>().headers)) return true;
    throw ApiKeys.refusal();
  }
}
