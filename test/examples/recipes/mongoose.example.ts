// The Mongoose recipe of docs/indicators/recipes.md, run by test/indicator-docs.e2e-spec.ts.
import { DatabaseIndicator } from '@nest-health/core';
import type { Connection } from 'mongoose';

/** `{ ping: 1 }` on the connection's database, aborted with the check's signal. */
export function mongooseIndicator(connection: Connection, name = 'database'): DatabaseIndicator {
  return new DatabaseIndicator({
    name,
    driver: 'mongodb',
    ping: async (signal) => {
      if (connection.readyState !== 1) throw new Error(`connection state ${connection.readyState}`);
      await connection.db!.command({ ping: 1 }, { signal });
    },
  });
}
