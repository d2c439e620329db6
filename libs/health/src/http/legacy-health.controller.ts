import { Controller, Get, Logger, Redirect, Res } from '@nestjs/common';
import { HealthService } from '../core/health.service';
import type { LegacyHealthBody } from './legacy.format';
import { legacyFallbackBody, toLegacyBody } from './legacy.format';
import type { RawResponse } from './send';
import { sendJson } from './send';

/** `GET /v1/health`, exactly as the legacy contract says, and `GET /health` -> 301. */
@Controller()
export class LegacyHealthController {
  private readonly logger = new Logger('LegacyHealthController');

  constructor(private readonly health: HealthService) {}

  @Get('v1/health')
  async legacy(@Res() res: RawResponse): Promise<void> {
    sendJson(res, 200, await this.body(), { 'Cache-Control': 'no-store' });
  }

  @Get('health')
  @Redirect('/v1/health', 301)
  redirect(): void {
    // The decorator answers.
  }

  private async body(): Promise<LegacyHealthBody> {
    try {
      return toLegacyBody(await this.health.check(), this.health.version);
    } catch (error) {
      this.logger.error(
        `Health engine failed; answering the fallback body: ${error instanceof Error ? error.name : typeof error}`,
      );
      return legacyFallbackBody(
        this.health.settings.clock.epochMs() / 1000,
        this.health.version,
        this.health.settings.legacy.aiModelConfigured,
      );
    }
  }
}
