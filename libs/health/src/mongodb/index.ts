// @nest-health/core/mongodb: the database indicator for MongoDB. Needs the optional peer `mongodb`.
import './peer';

export { mongodbPing } from '../indicators/database/mongodb.ping';
export { createMongodbIndicator } from '../indicators/database/mongodb.indicator';
export type { MongodbIndicatorOptions } from '../indicators/database/mongodb.indicator';
