import type { INestApplicationContext } from '@nestjs/common';
import type { HealthEngineOptions } from '../core/engine.options';
import type { HealthCheckDefinition } from '../core/health-check';
import type { IndicatorResult, SystemHealthStatus } from '../core/health-status';
import { HealthStatus, isHealthStatus } from '../core/health-status';
import { HealthService } from '../core/health.service';
import { TUNABLE_CHECK_KEYS } from '../core/check-settings';
import { UnknownComponentError } from '../shared/errors';

/** The engine itself, or an app or testing module to take it from (`app.get(HealthService)`). */
function engineOf(target: HealthService | Pick<INestApplicationContext, 'get'>): HealthService {
  return target instanceof HealthService ? target : target.get(HealthService);
}

/**
 * A real `HealthService` made without Nest: the fake for unit tests of a service that injects
 * one, and the value for `overrideProvider(HealthService).useValue(...)`. It takes the engine's
 * options of `HealthModule.forRoot` (`checks`, `components`, `clock`, `cacheTtlMs`...); unlike
 * the module it evaluates nothing by itself (`evaluationIntervalMs: 0`) and retries nothing
 * (`retries: 0`) unless told.
 */
export function createTestHealthService(options: HealthEngineOptions = {}): HealthService {
  return new HealthService({
    ...options,
    evaluationIntervalMs: options.evaluationIntervalMs ?? 0,
    retries: options.retries ?? 0,
  });
}

/**
 * The first full report: the evaluation an app starts at bootstrap (`app.init()` does not wait
 * for it, and `isHealthy()` is false until it has finished), or the last report when one has
 * finished. On an engine nothing has evaluated yet, it runs that evaluation.
 */
export async function firstEvaluation(
  target: HealthService | Pick<INestApplicationContext, 'get'>,
): Promise<SystemHealthStatus> {
  const health = engineOf(target);
  return health.getLastReport() ?? health.check();
}

/**
 * Makes the check `name` answer `status` (or this whole result) until restored, without touching
 * its dependency: a replacement check with the same settings (tags, critical, mode...) is
 * registered with `replace: true` and run once, so `isHealthy(name)` answers it at once and every
 * later evaluation reports it. Resolves with the restore: the original check back, run once.
 * Restoring after the check was replaced or removed since does nothing.
 */
export async function forceStatus(
  target: HealthService | Pick<INestApplicationContext, 'get'>,
  name: string,
  status: HealthStatus | IndicatorResult,
): Promise<() => Promise<void>> {
  const health = engineOf(target);
  const entry = health.registry.entries.get(name);
  if (!entry) throw new UnknownComponentError(name);
  const result = typeof status === 'string' ? forcedResult(name, status) : status;
  if (!isHealthStatus(result?.status)) {
    throw new TypeError(
      `forceStatus(${JSON.stringify(name)}): ${JSON.stringify(result?.status)} is no status (expected ${Object.values(HealthStatus).join(', ')})`,
    );
  }
  const { definition, registerOptions } = entry;
  const forced = replacement(definition, result);
  health.register(forced, { ...registerOptions, replace: true });
  await health.checkComponent(name);
  return async () => {
    if (health.registry.entries.get(name)?.definition !== forced) return;
    health.register(definition, { ...registerOptions, replace: true });
    await health.checkComponent(name);
  };
}

function forcedResult(name: string, status: HealthStatus): IndicatorResult {
  return { status, message: `${name} is ${status} (forced by a test)` };
}

/** A check answering `result`, with the settings the original carries on itself. */
function replacement(
  original: HealthCheckDefinition,
  result: IndicatorResult,
): HealthCheckDefinition {
  const forced: Record<string, unknown> = {
    name: original.name,
    baseMetadata: original.baseMetadata,
    check: () => result,
  };
  for (const key of [...TUNABLE_CHECK_KEYS, 'abortable'] as const) {
    if (original[key] !== undefined) forced[key] = original[key];
  }
  // Thresholds set for the original stay valid: the replacement accepts and ignores them.
  const tunable = original.tunableThresholds;
  if (tunable) {
    forced.tunableThresholds = {
      defaults: tunable.defaults,
      validate: () => undefined,
      apply: () => undefined,
    };
  }
  return forced as unknown as HealthCheckDefinition;
}
