// docs/indicators/cache.md's app: test/docs/indicators.e2e-spec.ts boots it.
import { CacheIndicator, HealthModule } from '@nest-health/core';
import Redis from 'ioredis'; // your app's dependency
import { Module } from '@nestjs/common';

const redis = process.env.REDIS_URL
  ? new Redis(process.env.REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 0 })
  : undefined;
redis?.on('error', () => undefined); // the indicator reports it; an unhandled 'error' would crash

@Module({
  imports: [
    HealthModule.forRoot({
      checks: [new CacheIndicator({ redis, stats: () => ({ entries: 42 }) })],
    }),
  ],
})
export class AppModule {}

/** Closes the client (the test's; an app closes its own at shutdown). */
export const closeRedis = () => redis?.disconnect();
