// The MikroORM recipe of docs/indicators/recipes.md, run by test/indicator-docs.e2e-spec.ts.
import { DatabaseIndicator } from '@nest-health/core';
import type { MikroORM } from '@mikro-orm/core';

/** `checkConnection()` asks the driver (a `SELECT 1` on SQL drivers) and says why it failed. */
export function mikroOrmIndicator(
  orm: Pick<MikroORM, 'checkConnection'>,
  driver = 'postgres', // named in messages: 'PostgreSQL reachable'
): DatabaseIndicator {
  return new DatabaseIndicator({
    name: 'database',
    driver,
    ping: async () => {
      const result = await orm.checkConnection();
      if (!result.ok) throw result.error ?? new Error(result.reason);
    },
  });
}
