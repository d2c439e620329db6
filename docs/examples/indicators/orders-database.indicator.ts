// docs/indicators/database.md's indicator as a provider: test/docs/indicators.e2e-spec.ts runs it.
import { DatabaseIndicator, RegisterHealthIndicator } from '@nest-health/core';
import { postgresPing } from '@nest-health/core/postgres';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';

@RegisterHealthIndicator({ timeoutMs: 1000, tags: ['ready'] })
@Injectable()
export class OrdersDatabaseIndicator extends DatabaseIndicator {
  constructor(config: ConfigService) {
    super({
      name: 'orders_db',
      driver: 'postgres',
      ...postgresPing(config.getOrThrow('ORDERS_DB_URL')),
    });
  }
}
