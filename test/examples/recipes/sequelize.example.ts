// The Sequelize recipe of docs/indicators/recipes.md, run by test/indicator-docs.e2e-spec.ts.
import { DatabaseIndicator } from '@nest-health/core';
import type { Sequelize } from 'sequelize';

/** `authenticate()` runs `SELECT 1+1 AS result` on the Sequelize pool. */
export function sequelizeIndicator(sequelize: Sequelize, name = 'database'): DatabaseIndicator {
  return new DatabaseIndicator({
    name,
    driver: sequelize.getDialect(), // 'postgres', 'mysql', 'mariadb', 'sqlite', 'mssql'...
    ping: () => sequelize.authenticate(),
  });
}
