import type { EnvSource } from '../config/app.config';
import { readInteger, readRatio } from '../config/app.config';

/** Thresholds of the `runtime` indicator, from `HEALTH_RUNTIME_*` variables. */
export function runtimeSettingsFromEnv(env: EnvSource) {
  return {
    eventLoopDelayDegradedMs: readInteger(
      env,
      'HEALTH_RUNTIME_EVENT_LOOP_DELAY_DEGRADED_MS',
      100,
      1,
    ),
    eventLoopDelayUnhealthyMs: readInteger(
      env,
      'HEALTH_RUNTIME_EVENT_LOOP_DELAY_UNHEALTHY_MS',
      500,
      1,
    ),
    heapUsedDegradedRatio: readRatio(env, 'HEALTH_RUNTIME_HEAP_DEGRADED_RATIO', 0.85),
    heapUsedUnhealthyRatio: readRatio(env, 'HEALTH_RUNTIME_HEAP_UNHEALTHY_RATIO', 0.95),
  };
}
