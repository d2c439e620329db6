// The examples of docs/indicators/mysql.md, run by test/indicator-docs.e2e-spec.ts.
import { Injectable, Module } from '@nestjs/common';
import { DatabaseIndicator, HealthModule, RegisterHealthIndicator } from '@nest-health/core';
import { createMysqlIndicator, mysqlPing } from '@nest-health/core/mysql';

const MYSQL_URL = process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

// In `checks`: the shortest way. Close it on shutdown (await ordersDb.onModuleDestroy()).
export const ordersDb = createMysqlIndicator(MYSQL_URL, { name: 'orders_db', driver: 'mariadb' });

export const QuickHealthModule = HealthModule.forRoot({
  checks: [ordersDb],
  components: { orders_db: { timeoutMs: 1000, tags: ['ready'] } },
});

// As a provider: Nest closes its connection on shutdown.
@RegisterHealthIndicator({ timeoutMs: 1000, tags: ['ready'] })
@Injectable()
export class CatalogDatabaseIndicator extends DatabaseIndicator {
  constructor() {
    super({ name: 'catalog_db', driver: 'mysql', ...mysqlPing(MYSQL_URL) });
  }
}

@Module({
  imports: [HealthModule.forRoot()],
  providers: [CatalogDatabaseIndicator],
})
export class AppModule {}
