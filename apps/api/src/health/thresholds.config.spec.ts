import { HealthConfigurationError } from '@nest-health/core';
import { ConfigService } from '@nestjs/config';
import { thresholdsFromEnv } from './thresholds.config';

describe('thresholdsFromEnv', () => {
  it('leaves the cache figures unjudged and keeps the template resilience rule when unset', () => {
    expect(thresholdsFromEnv({})).toEqual({
      resilience: { degradedWhenOpen: 1, unhealthyWhenOpen: 0 },
    });
    expect(thresholdsFromEnv({ HEALTH_CACHE_MIN_HIT_RATIO: ' ' })).toEqual({
      resilience: { degradedWhenOpen: 1, unhealthyWhenOpen: 0 },
    });
  });

  it('reads every variable', () => {
    expect(
      thresholdsFromEnv({
        HEALTH_CACHE_MIN_HIT_RATIO: '0.8',
        HEALTH_CACHE_MAX_AVG_OPERATION_MS: '25',
        HEALTH_CACHE_MIN_OPERATIONS: '100',
        HEALTH_RESILIENCE_DEGRADED_WHEN_OPEN: '2',
        HEALTH_RESILIENCE_UNHEALTHY_WHEN_OPEN: '3',
      }),
    ).toEqual({
      cache: { minHitRatio: 0.8, maxAverageOperationMs: 25, minOperations: 100 },
      resilience: { degradedWhenOpen: 2, unhealthyWhenOpen: 3 },
    });
  });

  it('reads one cache variable alone, and from a ConfigService', () => {
    const config = new ConfigService({ HEALTH_CACHE_MAX_AVG_OPERATION_MS: '10' });
    expect(thresholdsFromEnv(config)).toEqual({
      cache: { maxAverageOperationMs: 10 },
      resilience: { degradedWhenOpen: 1, unhealthyWhenOpen: 0 },
    });
  });

  it('takes 0 as never for both resilience limits', () => {
    expect(
      thresholdsFromEnv({
        HEALTH_RESILIENCE_DEGRADED_WHEN_OPEN: '0',
        HEALTH_RESILIENCE_UNHEALTHY_WHEN_OPEN: '1',
      }).resilience,
    ).toEqual({ degradedWhenOpen: 0, unhealthyWhenOpen: 1 });
    expect(
      thresholdsFromEnv({
        HEALTH_RESILIENCE_DEGRADED_WHEN_OPEN: '4',
        HEALTH_RESILIENCE_UNHEALTHY_WHEN_OPEN: '0',
      }).resilience,
    ).toEqual({ degradedWhenOpen: 4, unhealthyWhenOpen: 0 });
  });

  it.each([
    ['HEALTH_CACHE_MIN_HIT_RATIO', '1.2'],
    ['HEALTH_CACHE_MIN_HIT_RATIO', '0'],
    ['HEALTH_CACHE_MIN_HIT_RATIO', 'high'],
    ['HEALTH_CACHE_MAX_AVG_OPERATION_MS', '0'],
    ['HEALTH_CACHE_MAX_AVG_OPERATION_MS', '2.5'],
    ['HEALTH_CACHE_MIN_OPERATIONS', '0'],
    ['HEALTH_CACHE_MIN_OPERATIONS', 'many'],
    ['HEALTH_RESILIENCE_DEGRADED_WHEN_OPEN', '-1'],
    ['HEALTH_RESILIENCE_UNHEALTHY_WHEN_OPEN', 'two'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    const read = () => thresholdsFromEnv({ [name]: value });
    expect(read).toThrow(HealthConfigurationError);
    expect(read).toThrow(`Invalid setting ${name}: "${value}"`);
  });

  it('refuses an unhealthy limit below the degraded one, naming both variables', () => {
    expect(() =>
      thresholdsFromEnv({
        HEALTH_RESILIENCE_DEGRADED_WHEN_OPEN: '3',
        HEALTH_RESILIENCE_UNHEALTHY_WHEN_OPEN: '2',
      }),
    ).toThrow(
      'Invalid setting HEALTH_RESILIENCE_UNHEALTHY_WHEN_OPEN: "2" ' +
        '(expected 0 (never) or an integer >= HEALTH_RESILIENCE_DEGRADED_WHEN_OPEN (3))',
    );
  });
});
