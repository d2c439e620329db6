// docs/indicators/database.md's MongoDB: test/docs/indicators.e2e-spec.ts runs it.
import { DatabaseIndicator } from '@nest-health/core';
import { MongoClient } from 'mongodb';

const client = new MongoClient(process.env.MONGO_URL!, {
  serverSelectionTimeoutMS: 2000,
  maxPoolSize: 1,
});

export const mongoIndicator = new DatabaseIndicator({
  driver: 'mongodb',
  ping: () => client.db('admin').command({ ping: 1 }),
  close: () => client.close(),
});
