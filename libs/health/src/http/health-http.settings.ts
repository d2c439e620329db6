import { Inject, Injectable, Logger } from '@nestjs/common';
import { HealthService } from '../core/health.service';
import type { DetailsAccess } from '../core/ports';
import { HEALTH_MODULE_OPTIONS } from '../shared/tokens';
import { isAuthorized } from '../shared/api-key';
import type { HealthHttpOptions, ResolvedHttpSettings } from './http.options';
import type { HealthRequest } from '../core/ports';
import { resolveHttpSettings } from './http.options';
import type { HealthWriter } from '../core/ports';
import { BUILT_IN_WRITERS } from './writers';

/**
 * The HTTP endpoints' own settings, resolved from their slice of the module options, and who
 * sees details (`DETAILS_ACCESS`, for every route that shows a report).
 */
@Injectable()
export class HealthHttpSettings implements DetailsAccess {
  private readonly logger = new Logger('HealthHttp');
  readonly settings: ResolvedHttpSettings;
  /** Built-in writers, each replaced by an app's writer of the same type, then the app's others. */
  readonly writers: readonly HealthWriter[];

  constructor(
    @Inject(HEALTH_MODULE_OPTIONS) options: HealthHttpOptions | undefined,
    private readonly health: HealthService,
  ) {
    this.settings = resolveHttpSettings(options ?? {});
    const own = this.settings.writers;
    const typeOf = (w: HealthWriter) => w.mediaType.split(';')[0].trim().toLowerCase();
    const replaced = BUILT_IN_WRITERS.map((b) => own.find((w) => typeOf(w) === typeOf(b)) ?? b);
    this.writers = [...replaced, ...own.filter((w) => !replaced.includes(w))];
  }

  /** `always`, `never`, or `when-authorized`: a details key (constant time) or the app's hook. */
  async details(request: HealthRequest): Promise<boolean> {
    const { details, detailsKeys, authorizeDetails } = this.settings;
    if (details !== 'when-authorized') return details === 'always';
    if (detailsKeys.length > 0 && isAuthorized(request.headers, detailsKeys)) return true;
    if (!authorizeDetails) return false;
    try {
      return (await authorizeDetails(request)) === true;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.logger.warn(
        `authorizeDetails failed; details hidden: ${this.health.redactor.text(message)}`,
      );
      return false;
    }
  }

  /** Whether this exact value is one of the details keys. */
  isDetailsKey(key: string): boolean {
    return this.settings.detailsKeys.includes(key);
  }
}
