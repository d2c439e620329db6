import type { HealthRequest } from '@nest-health/core';
import { keyMatches } from './key-match';
import { UnauthorizedException } from '@nestjs/common';

/** The message of every 401 the service answers. */
export const API_KEY_REQUIRED = 'A valid API key is required (Authorization: Bearer or X-API-Key)';

/**
 * The service's API keys (`API_KEY` and `ADDITIONAL_API_KEYS`, see `apiKeysFromEnv`), one
 * instance shared by the route guard and the check that runs before the body is parsed.
 */
export class ApiKeys {
  readonly keys: readonly string[];

  constructor(keys: readonly string[]) {
    this.keys = [...keys];
  }

  /** No key configured: every request passes. */
  get required(): boolean {
    return this.keys.length > 0;
  }

  /** Whether a caller with these headers may pass: any configured key, compared in constant time. */
  accepts(headers: HealthRequest['headers']): boolean {
    return !this.required || keyMatches(headers, this.keys);
  }

  /** The 401 a refused caller gets, as Nest would answer it. */
  static refusal(): UnauthorizedException {
    return new UnauthorizedException(API_KEY_REQUIRED);
  }
}
