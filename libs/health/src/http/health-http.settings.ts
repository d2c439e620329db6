import { Inject, Injectable, Logger } from '@nestjs/common';
import { HealthService } from '../core/health.service';
import { MODULE_OPTIONS_TOKEN } from '../health.module-definition';
import type { HealthModuleOptions } from '../health.options';
import { isAuthorized } from './api-key';
import type { HealthRequest, ResolvedHttpSettings } from './http.options';
import { resolveHttpSettings } from './http.options';
import type { HealthWriter } from './writers';
import { BUILT_IN_WRITERS } from './writers';

/** The HTTP endpoints' own settings, resolved from the module options, and who sees details. */
@Injectable()
export class HealthHttpSettings {
  private readonly logger = new Logger('HealthHttp');
  readonly settings: ResolvedHttpSettings;
  /** Built-in writers, each replaced by an app's writer of the same type, then the app's others. */
  readonly writers: readonly HealthWriter[];

  constructor(
    @Inject(MODULE_OPTIONS_TOKEN) options: HealthModuleOptions,
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
}
