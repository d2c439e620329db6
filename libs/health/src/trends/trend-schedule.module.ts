import type { DynamicModule } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';

/**
 * A `SchedulerRegistry` of HealthModule's own. A plain `ScheduleModule.forRoot()` here would be
 * a second global instance beside the host's (Nest 11 keys dynamic modules by reference): its
 * explorer would mount the host's `@Interval`/`@Cron`/`@Timeout` methods a second time, and the
 * host could inject either registry. This one mounts no decorated method and is not global.
 */
export const HealthScheduleModule: DynamicModule = {
  ...ScheduleModule.forRoot({ cronJobs: false, intervals: false, timeouts: false }),
  global: false,
};
