import type { OnApplicationBootstrap } from '@nestjs/common';
import { Injectable, Logger } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { HealthService } from './health.service';

/**
 * The name the periodic evaluation has in `SchedulerRegistry` (`@nestjs/schedule`), when the app
 * imports `ScheduleModule`: `getInterval(HEALTH_EVALUATION_JOB)` finds it, `deleteInterval`
 * stops it, `addInterval(HEALTH_EVALUATION_JOB, setInterval(() => health.tick(), ms))` starts it
 * again.
 */
export const HEALTH_EVALUATION_JOB = 'health-evaluation';

/** What the engine needs of `@nestjs/schedule`'s `SchedulerRegistry` (any version, CJS or ESM). */
interface IntervalRegistry {
  addInterval(name: string, interval: unknown): void;
  getIntervals(): string[];
}

function isIntervalRegistry(value: unknown): value is IntervalRegistry {
  const registry = value as Partial<IntervalRegistry> | null;
  return typeof registry?.addInterval === 'function' && typeof registry.getIntervals === 'function';
}

/**
 * Puts the engine's periodic evaluation in the app's `SchedulerRegistry`, where every other job
 * of the app lives, when the app has `ScheduleModule` (an optional peer, looked for among the
 * app's providers: nothing is loaded). Without it, the engine's own timer runs unlisted.
 */
@Injectable()
export class EvaluationJob implements OnApplicationBootstrap {
  private readonly logger = new Logger('HealthService');

  constructor(
    private readonly health: HealthService,
    private readonly discovery: DiscoveryService,
  ) {}

  onApplicationBootstrap(): void {
    const registry = this.schedulerRegistry();
    if (!registry) return;
    const timer = this.health.scheduleEvaluations();
    if (!timer) {
      this.logger.log(
        'Periodic health evaluation off (evaluationIntervalMs: 0): nothing in SchedulerRegistry',
      );
      return;
    }
    if (registry.getIntervals().includes(HEALTH_EVALUATION_JOB)) {
      this.logger.warn(
        `SchedulerRegistry already has an interval "${HEALTH_EVALUATION_JOB}": the health evaluation runs unlisted`,
      );
      return;
    }
    registry.addInterval(HEALTH_EVALUATION_JOB, timer);
    this.logger.log(
      `Health evaluation scheduled every ${this.health.evaluationIntervalMs} ms as SchedulerRegistry interval "${HEALTH_EVALUATION_JOB}"`,
    );
  }

  /** `ScheduleModule`'s registry, when the app imports it (found by name and shape). */
  private schedulerRegistry(): IntervalRegistry | undefined {
    const wrapper = this.discovery
      .getProviders()
      .find(({ name, instance }) => name === 'SchedulerRegistry' && isIntervalRegistry(instance));
    return wrapper?.instance as IntervalRegistry | undefined;
  }
}
