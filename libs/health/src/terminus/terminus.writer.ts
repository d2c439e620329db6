import type { HealthWriter } from '../core/ports';
import { terminusStatusCode, toTerminusBody } from './terminus.format';

/** The media type `terminusWriter` answers for. */
export const TERMINUS_MEDIA_TYPE = 'application/vnd.nestjs-terminus+json';

/**
 * Terminus's format for the report endpoint, chosen by `Accept: application/vnd.nestjs-terminus+json`
 * (add it to `writers` in the module options). While the service drains after SIGTERM it answers
 * `shutting_down` (503), as the route of `HealthTerminusModule` does.
 */
export const terminusWriter: HealthWriter = {
  mediaType: TERMINUS_MEDIA_TYPE,
  write: (report, { details, draining }) => {
    const body = toTerminusBody(report, { details, shuttingDown: draining === true });
    return {
      status: terminusStatusCode(body.status),
      headers: { 'Content-Type': `${TERMINUS_MEDIA_TYPE}; charset=utf-8` },
      body,
    };
  },
};
