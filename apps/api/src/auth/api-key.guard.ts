import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Injectable, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Request } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';

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
    const given = presentedKey(context.switchToHttp().getRequest<Request>());
    if (given === undefined || !sameSecret(given, expected)) {
      throw new UnauthorizedException(
        'A valid API key is required (Authorization: Bearer or X-API-Key)',
      );
    }
    return true;
  }
}

export function presentedKey(request: Request): string | undefined {
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header !== '') return header;
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  return match?.[1];
}

/** Equal-length digests keep the comparison constant-time whatever the lengths. */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
