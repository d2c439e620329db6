// docs/indicators/resilience.md's app with forRootAsync: test/docs/indicators.e2e-spec.ts boots it.
import { HealthModule } from '@nest-health/core';
import { CircuitBreakerRegistry, ResilienceIndicator } from '@nest-health/core/resilience';
import { Injectable, Module } from '@nestjs/common';
import { ConsecutiveBreaker } from 'cockatiel';

@Module({ providers: [CircuitBreakerRegistry], exports: [CircuitBreakerRegistry] })
export class ResilienceModule {}

@Injectable()
export class PaymentsClient {
  constructor(private readonly breakers: CircuitBreakerRegistry) {
    breakers.create('payments', { halfOpenAfterMs: 30_000, breaker: new ConsecutiveBreaker(5) });
  }

  charge(orderId: string): Promise<Response> {
    return this.breakers.execute('payments', async ({ signal }) => {
      const url = `${process.env.PAYMENTS_URL}/orders/${orderId}/charge`;
      const response = await fetch(url, { method: 'POST', signal });
      // fetch resolves on a 500: throw, so that the breaker counts it as a failure
      if (!response.ok) throw new Error(`payments answered ${response.status}`);
      return response;
    });
  }
}

@Module({
  imports: [
    ResilienceModule,
    HealthModule.forRootAsync({
      imports: [ResilienceModule],
      inject: [CircuitBreakerRegistry],
      useFactory: (breakers: CircuitBreakerRegistry) => ({
        checks: [new ResilienceIndicator(breakers)],
        components: { resilience: { timeoutMs: 500 } },
      }),
    }),
  ],
  providers: [PaymentsClient],
})
export class AppModule {}
