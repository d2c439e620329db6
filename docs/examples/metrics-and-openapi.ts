// An app with its cache and circuit breaker in Prometheus, /metrics behind a token, and every
// health route in its OpenAPI document (Swagger UI at /docs, the document at /docs-json).
// test/docs/examples.e2e-spec.ts runs it. Run from the repository root (PORT=0 lets the OS pick):
//   HEALTH_METRICS_TOKEN=$(openssl rand -hex 32) \
//     npx ts-node --transpile-only -r tsconfig-paths/register docs/examples/metrics-and-openapi.ts
import { HealthModule } from '@nest-health/core';
import type { CacheMetricsSource, CacheOperationEvent } from '@nest-health/core/metrics';
import {
  CacheMetricsCollector,
  CircuitBreakerMetricsCollector,
  HealthMetricsModule,
  healthMetricsOptionsFromEnv,
} from '@nest-health/core/metrics';
import { documentHealthEndpoints } from '@nest-health/core/openapi';
import { CircuitBreakerRegistry, ResilienceIndicator } from '@nest-health/core/resilience';
import { Controller, Get, Injectable, Logger, Module, Param } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ConsecutiveBreaker } from 'cockatiel';
import { performance } from 'node:perf_hooks';

/** A memory cache that tells the metrics about every operation (its own cache monitor). */
@Injectable()
class PriceCache implements CacheMetricsSource {
  private readonly entries = new Map<string, string>();
  private readonly listeners = new Set<(event: CacheOperationEvent) => void>();

  get(key: string): string | undefined {
    const started = performance.now();
    const value = this.entries.get(key);
    this.announce(value === undefined ? 'miss' : 'hit', started);
    return value;
  }

  set(key: string, value: string): void {
    const started = performance.now();
    this.entries.set(key, value);
    this.announce('write', started);
  }

  onOperation(listener: (event: CacheOperationEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** No Redis here: memory is the cache, never a fallback. */
  fallbackActive(): boolean {
    return false;
  }

  private announce(operation: CacheOperationEvent['operation'], started: number): void {
    const event = { operation, tier: 'memory' as const, durationMs: performance.now() - started };
    for (const listener of this.listeners) listener(event);
  }
}

const breakers = new CircuitBreakerRegistry();
breakers.create('pricing_api', { halfOpenAfterMs: 30_000, breaker: new ConsecutiveBreaker(5) });

@Controller('prices')
class PricesController {
  constructor(private readonly cache: PriceCache) {}

  @Get(':sku')
  async price(@Param('sku') sku: string): Promise<{ sku: string; price: string }> {
    const cached = this.cache.get(sku);
    if (cached) return { sku, price: cached };
    const price = await breakers.execute('pricing_api', () => '9.99');
    this.cache.set(sku, price);
    return { sku, price };
  }
}

@Module({
  providers: [PriceCache, { provide: CircuitBreakerRegistry, useValue: breakers }],
  exports: [PriceCache, CircuitBreakerRegistry],
})
class PricingModule {}

@Module({
  imports: [
    PricingModule,
    HealthModule.forRoot({ checks: [new ResilienceIndicator(breakers)] }),
    HealthMetricsModule.forRootAsync({
      imports: [PricingModule],
      inject: [PriceCache, CircuitBreakerRegistry],
      useFactory: (cache: PriceCache, registry: CircuitBreakerRegistry) => ({
        ...healthMetricsOptionsFromEnv(process.env), // HEALTH_METRICS_TOKEN, when set
        defaultMetrics: true,
        collectors: [
          new CacheMetricsCollector(cache),
          new CircuitBreakerMetricsCollector(registry),
        ],
      }),
    }),
  ],
  controllers: [PricesController],
})
class AppModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(AppModule);
  documentHealthEndpoints(app); // before createDocument
  const config = new DocumentBuilder().setTitle('Pricing').setVersion('1.0.0').build();
  SwaggerModule.setup('docs', app, SwaggerModule.createDocument(app, config));
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? 3000));
  const url = await app.getUrl();
  new Logger('metrics-and-openapi').log(`listening on ${url}`);
  new Logger('metrics-and-openapi').log(
    `curl ${url}/prices/a1; curl -H "Authorization: Bearer $HEALTH_METRICS_TOKEN" ${url}/metrics; open ${url}/docs`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
