// The examples of docs/indicators/nats.md, run by test/indicator-docs.e2e-spec.ts.
import { Injectable, Module } from '@nestjs/common';
import { DatabaseIndicator, HealthModule, RegisterHealthIndicator } from '@nest-health/core';
import { createNatsIndicator, natsPing } from '@nest-health/core/nats';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

// In `checks`: the shortest way. Close it on shutdown (await nats.onModuleDestroy()).
export const nats = createNatsIndicator(NATS_URL);

export const QuickHealthModule = HealthModule.forRoot({
  checks: [nats],
  components: { nats: { timeoutMs: 1000, tags: ['ready'] } },
});

// As a provider, with the client's options: Nest closes its connection on shutdown.
@RegisterHealthIndicator({ timeoutMs: 1000, tags: ['ready'] })
@Injectable()
export class EventsBusIndicator extends DatabaseIndicator {
  constructor() {
    const ping = natsPing({
      servers: NATS_URL,
      user: process.env.NATS_USER,
      pass: process.env.NATS_PASS,
    });
    super({ name: 'events_bus', driver: 'nats', ...ping });
  }
}

@Module({
  imports: [HealthModule.forRoot()],
  providers: [EventsBusIndicator],
})
export class AppModule {}
