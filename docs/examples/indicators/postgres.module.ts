// docs/indicators/database.md's PostgreSQL: test/docs/indicators.e2e-spec.ts boots it.
import { HealthModule } from '@nest-health/core';
import { createPostgresIndicator } from '@nest-health/core/postgres';
import { Module } from '@nestjs/common';

const database = createPostgresIndicator(process.env.DATABASE_URL!);

@Module({
  imports: [
    HealthModule.forRoot({
      checks: [database],
      components: { database: { timeoutMs: 1000, tags: ['ready'] } },
    }),
  ],
})
export class AppModule {
  /** A check built with `new` is not Nest's to close: close it on shutdown. */
  async onModuleDestroy(): Promise<void> {
    await database.onModuleDestroy();
  }
}
