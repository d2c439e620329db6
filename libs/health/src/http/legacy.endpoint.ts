import { Logger } from '@nestjs/common';
import type { HealthService } from '../core/health.service';
import type { LegacyHealthBody } from '../formats/legacy.format';
import { legacyFallbackBody, toLegacyBody } from '../formats/legacy.format';
import type { ResolvedHttpSettings } from './http.options';
import type { RawResponse } from '../shared/send';
import { sendJson } from '../shared/send';

const logger = new Logger('LegacyHealth');

/**
 * `GET <base>`, exactly as the legacy contract says: always 200, the body's bytes and headers
 * under our control (written on the raw response), the fallback body if the engine fails.
 */
export async function writeLegacy(
  health: HealthService,
  legacy: ResolvedHttpSettings['legacy'],
  res: RawResponse,
): Promise<void> {
  let body: LegacyHealthBody;
  try {
    const report = await health.checkWithin();
    // The timestamp is the time of the response, also when results come from cache.
    const timestamp = legacy.timestamp(health.clock.epochMs());
    body = toLegacyBody(report, health.version, legacy.fields, timestamp);
  } catch (error) {
    logger.error(
      `Health engine failed; answering the fallback body: ${error instanceof Error ? error.name : typeof error}`,
    );
    const timestamp = legacy.timestamp(health.clock.epochMs());
    body = legacyFallbackBody(health.version, timestamp, legacy.fallback);
  }
  sendJson(res, 200, body, { 'Cache-Control': 'no-store' });
}
