import type { Type } from '@nestjs/common';
import { VERSION_NEUTRAL } from '@nestjs/common';
import type { ResolvedRoutes } from './http.options';
import { legacyController } from './legacy.controller';
import { probesController } from './probes.controller';
import { redirectController } from './redirect.controller';
import { reportController } from './report.controller';

/**
 * The report, probe and legacy routes the options turn on: classes made per module, so the paths
 * come from the options, follow the host's global prefix, and stay out of URI versioning by
 * default.
 */
export function healthControllers({
  basePath,
  endpoints,
  redirect,
  version,
}: ResolvedRoutes): Type[] {
  const v = version ?? VERSION_NEUTRAL;
  return [
    ...(endpoints.legacy ? [legacyController(basePath, v)] : []),
    ...(redirect ? [redirectController(basePath, v)] : []),
    ...(endpoints.components ? [reportController(basePath, v)] : []),
    ...(endpoints.probes ? [probesController(basePath, v)] : []),
  ];
}
