import type { MongoClientOptions } from 'mongodb';
import { DatabaseIndicator } from './database.indicator';
import type { ConnectionPingOptions } from './lazy-connection';
import { mongodbPing } from './mongodb.ping';

export interface MongodbIndicatorOptions extends ConnectionPingOptions {
  /** Component name. Default `'database'`. */
  name?: string;
  /** More `MongoClient` options (TLS, `auth`, `replicaSet`...); the helper's own settings win. */
  clientOptions?: MongoClientOptions;
}

/**
 * A `DatabaseIndicator` for MongoDB (driver `'mongodb'`) over its own `MongoClient`; its
 * `onModuleDestroy()` closes the client.
 */
export function createMongodbIndicator(
  url: string,
  options: MongodbIndicatorOptions = {},
): DatabaseIndicator {
  const { name, ...pingOptions } = options ?? {};
  const { ping, close } = mongodbPing(url, pingOptions);
  return new DatabaseIndicator({ name, driver: 'mongodb', ping, close });
}
