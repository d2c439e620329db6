import type { DetailsVisibility, HealthModuleOptions, HealthRequest } from '@nest-health/core';
import { keyMatches } from './key-match';
import { Logger } from '@nestjs/common';

/**
 * Who may see details (why a dependency failed), by the rule of the health endpoints:
 * `HEALTH_DETAILS` `always`, `never`, or `when-authorized` (default): a caller presenting one of
 * the details keys (`HEALTH_DETAILS_KEYS`, `API_KEY`, `ADDITIONAL_API_KEYS`), or authorized by
 * the options' `authorizeDetails` hook. Built from the same options the HealthModule gets.
 */
export class DetailsAccess {
  private readonly logger = new Logger('DetailsAccess');
  private readonly details: DetailsVisibility;
  private readonly keys: readonly string[];

  constructor(
    private readonly options: Pick<
      HealthModuleOptions,
      'details' | 'detailsKeys' | 'authorizeDetails'
    >,
  ) {
    this.details = options.details ?? 'when-authorized';
    this.keys = (options.detailsKeys ?? [])
      .map((key) => (typeof key === 'string' ? key.trim() : ''))
      .filter(Boolean);
  }

  async allows(request: HealthRequest): Promise<boolean> {
    if (this.details !== 'when-authorized') return this.details === 'always';
    if (this.keys.length > 0 && keyMatches(request.headers, this.keys)) return true;
    const hook = this.options.authorizeDetails;
    if (!hook) return false;
    try {
      return (await hook(request)) === true;
    } catch {
      this.logger.warn('authorizeDetails failed; details hidden');
      return false;
    }
  }
}
