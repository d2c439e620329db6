// The examples of docs/indicators/amqp.md, run by test/indicator-docs.e2e-spec.ts.
import { Injectable, Module } from '@nestjs/common';
import { DatabaseIndicator, HealthModule, RegisterHealthIndicator } from '@nest-health/core';
import { amqpPing, createAmqpIndicator } from '@nest-health/core/amqp';

const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

// In `checks`: the shortest way. Close it on shutdown (await rabbitmq.onModuleDestroy()).
export const rabbitmq = createAmqpIndicator(AMQP_URL);

export const QuickHealthModule = HealthModule.forRoot({
  checks: [rabbitmq],
  components: { rabbitmq: { timeoutMs: 1000, tags: ['ready'] } },
});

// As a provider: Nest closes its connection on shutdown.
@RegisterHealthIndicator({ timeoutMs: 1000, tags: ['ready'] })
@Injectable()
export class EventsBusIndicator extends DatabaseIndicator {
  constructor() {
    super({ name: 'events_bus', driver: 'rabbitmq', ...amqpPing(AMQP_URL) });
  }
}

@Module({
  imports: [HealthModule.forRoot()],
  providers: [EventsBusIndicator],
})
export class AppModule {}
