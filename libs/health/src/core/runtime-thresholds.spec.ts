import { CircuitState, ConsecutiveBreaker } from 'cockatiel';
import { CacheIndicator } from '../indicators/cache/cache.indicator';
import type { CacheStats } from '../indicators/cache/cache.indicator';
import { CircuitBreakerRegistry, ResilienceIndicator } from '../indicators/resilience';
import { HealthConfigurationError } from '../shared/errors';
import { HealthStatus } from './health-status';
import { HealthService } from './health.service';
import { HealthConfigService } from '../config/health-config.service';

/** Cache and resilience thresholds, changed like any other setting: options, file, runtime. */
describe('indicator thresholds in the runtime configuration', () => {
  const poorCache: CacheStats = {
    hit_ratio: 0.5,
    hits: 50,
    misses: 50,
    operations_tracked: 100,
    fallback_operations: 0,
    mean_operation_ms: 3,
  };

  /** An engine and its runtime configuration. */
  function engine(...checks: ConstructorParameters<typeof HealthService>[0][]): {
    health: HealthService;
    config: HealthConfigService;
  } {
    const health = new HealthService({ evaluationIntervalMs: 0, ...Object.assign({}, ...checks) });
    return { health, config: new HealthConfigService(health) };
  }
  const statusOf = (health: HealthService, name: string) => health.checkComponent(name);

  it('turns the cache hit-ratio limit on, changes and removes it at runtime, key by key', async () => {
    const { health, config } = engine({ checks: [new CacheIndicator({ stats: () => poorCache })] });
    expect(config.configuration().checks.cache.thresholds).toEqual({
      value: {},
      source: 'default',
    });
    expect((await statusOf(health, 'cache')).status).toBe(HealthStatus.HEALTHY);

    const event = config.applyConfiguration({
      checks: { cache: { thresholds: { minHitRatio: 0.8, minOperations: 10 } } },
    });
    expect(event.changes).toEqual([
      { path: 'checks.cache.thresholds', from: {}, to: { minHitRatio: 0.8, minOperations: 10 } },
    ]);
    const degraded = await statusOf(health, 'cache');
    expect(degraded.status).toBe(HealthStatus.DEGRADED);
    expect(degraded.message).toBe(
      'Cache hit ratio 0.5 is below the threshold of 0.8 (over 100 reads)',
    );

    // One key removed, the other kept: merged key by key.
    config.applyConfiguration({ checks: { cache: { thresholds: { minOperations: null } } } });
    expect(config.configuration().checks.cache.thresholds).toEqual({
      value: { minHitRatio: 0.8 },
      source: 'runtime',
    });
    config.applyConfiguration({ checks: { cache: { thresholds: { minHitRatio: 0.4 } } } });
    expect((await statusOf(health, 'cache')).status).toBe(HealthStatus.HEALTHY);
    config.applyConfiguration({ checks: { cache: { thresholds: null } } });
    expect(config.configuration().checks.cache.thresholds.value).toEqual({});
  });

  it('rejects a bad threshold naming it, and applies nothing', () => {
    const { config } = engine({
      checks: [
        new CacheIndicator({ stats: () => poorCache, thresholds: { maxAverageOperationMs: 50 } }),
        { name: 'plain', check: () => ({ status: HealthStatus.HEALTHY }) },
      ],
    });
    const before = config.configuration();
    expect(before.checks.cache.thresholds).toEqual({
      value: { maxAverageOperationMs: 50 },
      source: 'code',
    });
    const bad = (patch: unknown) => () => config.applyConfiguration(patch);
    expect(bad({ checks: { cache: { thresholds: { minHitRatio: 2 } } } })).toThrow(
      /Invalid setting checks\.cache\.thresholds\.minHitRatio: 2 \(expected a number from 0 to 1\)/,
    );
    expect(bad({ checks: { cache: { thresholds: { hitRatio: 0.5 } } } })).toThrow(
      /checks\.cache\.thresholds\.hitRatio: 0\.5 \(expected one of minHitRatio, maxAverageOperationMs, minOperations\)/,
    );
    expect(bad({ checks: { cache: { thresholds: { minHitRatio: 'high' } } } })).toThrow(
      /checks\.cache\.thresholds\.minHitRatio: "high" \(expected a number\)/,
    );
    expect(bad({ checks: { cache: { thresholds: [1] } } })).toThrow(/checks\.cache\.thresholds/);
    expect(bad({ checks: { plain: { thresholds: { x: 1 } } } })).toThrow(
      /checks\.plain\.thresholds: .*this check has no thresholds/,
    );
    expect(bad({ checks: { cache: { thresholds: { minHitRatio: 2 } } } })).toThrow(
      HealthConfigurationError,
    );
    expect(config.configuration()).toEqual(before);
    // A dry run says what would change and changes nothing.
    const preview = config.previewConfiguration({
      checks: { cache: { thresholds: { maxAverageOperationMs: 1 } } },
    });
    expect(preview.changes).toEqual([
      {
        path: 'checks.cache.thresholds',
        from: { maxAverageOperationMs: 50 },
        to: { maxAverageOperationMs: 1 },
      },
    ]);
    expect(config.configuration()).toEqual(before);
  });

  it('takes thresholds from the module options and the file, runtime values on top', async () => {
    const { health, config } = engine({
      checks: [new CacheIndicator({ stats: () => poorCache })],
      components: { cache: { thresholds: { minHitRatio: 0.6, minOperations: 5 } } },
    });
    expect(config.configuration().checks.cache.thresholds).toEqual({
      value: { minHitRatio: 0.6, minOperations: 5 },
      source: 'options',
    });
    expect((await statusOf(health, 'cache')).status).toBe(HealthStatus.DEGRADED);
    config.loadConfigurationFile({ checks: { cache: { thresholds: { minHitRatio: 0.3 } } } });
    expect(config.configuration().checks.cache.thresholds).toEqual({
      value: { minHitRatio: 0.3, minOperations: 5 },
      source: 'file',
    });
    expect((await statusOf(health, 'cache')).status).toBe(HealthStatus.HEALTHY);
    expect(() =>
      config.loadConfigurationFile({ checks: { cache: { thresholds: { minOperations: 0 } } } }),
    ).toThrow(/checks\.cache\.thresholds\.minOperations: 0/);
    expect(config.configuration().checks.cache.thresholds.source).toBe('file');
    expect(() =>
      engine({
        checks: [new CacheIndicator()],
        components: { cache: { thresholds: { minHitRatio: -1 } } },
      }),
    ).toThrow(/checks\.cache\.thresholds\.minHitRatio: -1/);
  });

  it('changes how many open breakers make resilience DEGRADED or UNHEALTHY', async () => {
    const registry = new CircuitBreakerRegistry();
    registry.create('payments', { halfOpenAfterMs: 60_000, breaker: new ConsecutiveBreaker(1) });
    await expect(
      registry.execute('payments', () => Promise.reject(new Error('down'))),
    ).rejects.toThrow();
    expect(registry.get('payments')!.state).toBe(CircuitState.Open);
    const { health, config } = engine({ checks: [new ResilienceIndicator(registry)] });
    expect(config.configuration().checks.resilience.thresholds).toEqual({
      value: { degradedWhenOpen: 1, unhealthyWhenOpen: 0 },
      source: 'code',
    });
    expect((await statusOf(health, 'resilience')).status).toBe(HealthStatus.DEGRADED);

    config.applyConfiguration({ checks: { resilience: { thresholds: { unhealthyWhenOpen: 1 } } } });
    const unhealthy = await statusOf(health, 'resilience');
    expect(unhealthy.status).toBe(HealthStatus.UNHEALTHY);
    expect(unhealthy.message).toContain('(1 open; degraded at 1, unhealthy at 1)');

    config.applyConfiguration({
      checks: { resilience: { thresholds: { unhealthyWhenOpen: 0, degradedWhenOpen: 0 } } },
    });
    expect((await statusOf(health, 'resilience')).status).toBe(HealthStatus.HEALTHY);

    expect(() =>
      config.applyConfiguration({
        checks: { resilience: { thresholds: { degradedWhenOpen: 3, unhealthyWhenOpen: 2 } } },
      }),
    ).toThrow(
      /checks\.resilience\.thresholds\.unhealthyWhenOpen: 2 \(expected 0 \(never\) or an integer >= checks\.resilience\.thresholds\.degradedWhenOpen \(3\)\)/,
    );
    expect(() =>
      config.applyConfiguration({ checks: { resilience: { thresholds: { open: 1 } } } }),
    ).toThrow(
      /checks\.resilience\.thresholds\.open: 1 \(expected one of degradedWhenOpen, unhealthyWhenOpen\)/,
    );
    expect((await statusOf(health, 'resilience')).status).toBe(HealthStatus.HEALTHY);
    config.resetConfiguration();
    expect((await statusOf(health, 'resilience')).status).toBe(HealthStatus.DEGRADED);
  });
});
