// The examples of docs/indicators/mongodb.md, run by test/indicator-docs.e2e-spec.ts.
import { Injectable, Module } from '@nestjs/common';
import { DatabaseIndicator, HealthModule, RegisterHealthIndicator } from '@nest-health/core';
import { createMongodbIndicator, mongodbPing } from '@nest-health/core/mongodb';

const MONGO_URL = process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017';

// In `checks`: the shortest way. Close it on shutdown (await catalogDb.onModuleDestroy()).
export const catalogDb = createMongodbIndicator(MONGO_URL, { name: 'catalog_db' });

export const QuickHealthModule = HealthModule.forRoot({
  checks: [catalogDb],
  components: { catalog_db: { timeoutMs: 1000, tags: ['ready'] } },
});

// As a provider, with more MongoClient options: Nest closes its client on shutdown.
@RegisterHealthIndicator({ timeoutMs: 1000, tags: ['ready'] })
@Injectable()
export class ReviewsDatabaseIndicator extends DatabaseIndicator {
  constructor() {
    const ping = mongodbPing(MONGO_URL, { clientOptions: { appName: 'reviews-health' } });
    super({ name: 'reviews_db', driver: 'mongodb', ...ping });
  }
}

@Module({
  imports: [HealthModule.forRoot()],
  providers: [ReviewsDatabaseIndicator],
})
export class AppModule {}
