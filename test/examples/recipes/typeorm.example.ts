// The TypeORM recipe of docs/indicators/recipes.md, run by test/indicator-docs.e2e-spec.ts.
import { DatabaseIndicator } from '@nest-health/core';
import type { DataSource } from 'typeorm';

/** The DataSource's own pool runs `SELECT 1` (TypeORM takes no abort signal). */
export function typeormIndicator(dataSource: DataSource, name = 'database'): DatabaseIndicator {
  return new DatabaseIndicator({
    name,
    driver: dataSource.options.type, // 'postgres', 'mysql', 'mariadb'... named in messages
    ping: () => dataSource.query('SELECT 1'),
  });
}
