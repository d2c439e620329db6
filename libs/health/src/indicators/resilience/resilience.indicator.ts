import { Injectable, Optional } from '@nestjs/common';
import { HealthConfigurationError } from '../../shared/errors';
import type { HealthIndicator, TunableThresholds } from '../../core/health-check';
import { knownKeys } from '../../shared/validate';
import type { IndicatorResult } from '../../core/health-status';
import { HealthStatus } from '../../core/health-status';
import { CircuitBreakerRegistry } from './circuit-breaker.registry';
import type { CircuitBreakerSnapshot, CircuitBreakerState } from './circuit-breaker.types';

export interface ResilienceIndicatorOptions {
  /** This many open (or isolated) breakers or more make `resilience` DEGRADED; 0: never. Default 1. */
  degradedWhenOpen?: number;
  /** This many open (or isolated) breakers or more make it UNHEALTHY; 0: never. Default 0. */
  unhealthyWhenOpen?: number;
}

export type ResolvedResilienceOptions = Readonly<Required<ResilienceIndicatorOptions>>;

/** The template's rule: any open breaker is DEGRADED, never UNHEALTHY. */
export const RESILIENCE_DEFAULTS: ResolvedResilienceOptions = {
  degradedWhenOpen: 1,
  unhealthyWhenOpen: 0,
};

/**
 * The `resilience` component, graded by default as the template grades it: DEGRADED while any
 * registered breaker is open (or isolated), HEALTHY otherwise. A half-open breaker is trying the
 * dependency again: it is listed in the message and metadata, and never counts as open.
 * An open breaker means the app already shields itself from a failing dependency, so by default
 * it degrades the service rather than making it unhealthy; `degradedWhenOpen` and
 * `unhealthyWhenOpen` say how many open breakers it takes instead.
 */
@Injectable()
export class ResilienceIndicator implements HealthIndicator {
  readonly name = 'resilience';
  private limits: ResolvedResilienceOptions;
  /** The limits, changeable through the `thresholds` check option, the file and at runtime. */
  readonly tunableThresholds: TunableThresholds;

  constructor(
    private readonly registry: CircuitBreakerRegistry,
    @Optional() options: ResilienceIndicatorOptions = {},
  ) {
    this.limits = resolveResilienceOptions(options);
    this.tunableThresholds = {
      defaults: this.limits,
      validate: (values, where) => {
        knownKeys(values, where, Object.keys(RESILIENCE_DEFAULTS));
        resolveResilienceOptions(values, where);
      },
      apply: (values) => {
        this.limits = resolveResilienceOptions(values);
      },
    };
  }

  check(): IndicatorResult {
    const breakers = this.registry.snapshot();
    const open = namesIn(breakers, 'open', 'isolated');
    const halfOpen = namesIn(breakers, 'half_open');
    return {
      status: grade(open.length, this.limits),
      message: describe(breakers.length, open, halfOpen) + this.limitsNote(open.length),
      metadata: {
        open_circuit_breakers: open,
        half_open_circuit_breakers: halfOpen,
        total_circuit_breakers: breakers.length,
        circuit_breakers: Object.fromEntries(breakers.map((b) => [b.name, countersOf(b)])),
      },
    };
  }

  /** With limits other than the template's, an open breaker's message says what they are. */
  private limitsNote(open: number): string {
    const { degradedWhenOpen, unhealthyWhenOpen } = this.limits;
    if (open === 0) return '';
    if (degradedWhenOpen === 1 && unhealthyWhenOpen === 0) return '';
    const at = (limit: number) => (limit > 0 ? `at ${limit}` : 'never');
    return ` (${open} open; degraded ${at(degradedWhenOpen)}, unhealthy ${at(unhealthyWhenOpen)})`;
  }
}

/** Defaults, then validation: a bad value throws naming `resilience.<option>` and the value. */
export function resolveResilienceOptions(
  options: ResilienceIndicatorOptions | undefined,
  where = 'resilience',
): ResolvedResilienceOptions {
  if (options === undefined) return RESILIENCE_DEFAULTS;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new HealthConfigurationError(
      'ResilienceIndicator options',
      options,
      '{ degradedWhenOpen?, unhealthyWhenOpen? }',
    );
  }
  const resolved = { ...RESILIENCE_DEFAULTS };
  for (const key of Object.keys(RESILIENCE_DEFAULTS) as (keyof ResilienceIndicatorOptions)[]) {
    const value = options[key] ?? RESILIENCE_DEFAULTS[key];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw new HealthConfigurationError(`${where}.${key}`, value, 'an integer >= 0 (0: never)');
    }
    resolved[key] = value;
  }
  const { degradedWhenOpen, unhealthyWhenOpen } = resolved;
  if (degradedWhenOpen > 0 && unhealthyWhenOpen > 0 && unhealthyWhenOpen < degradedWhenOpen) {
    throw new HealthConfigurationError(
      `${where}.unhealthyWhenOpen`,
      unhealthyWhenOpen,
      `0 (never) or an integer >= ${where}.degradedWhenOpen (${degradedWhenOpen})`,
    );
  }
  return resolved;
}

function grade(open: number, limits: ResolvedResilienceOptions): HealthStatus {
  const reaches = (limit: number) => limit > 0 && open >= limit;
  if (reaches(limits.unhealthyWhenOpen)) return HealthStatus.UNHEALTHY;
  if (reaches(limits.degradedWhenOpen)) return HealthStatus.DEGRADED;
  return HealthStatus.HEALTHY;
}

function namesIn(breakers: CircuitBreakerSnapshot[], ...states: CircuitBreakerState[]): string[] {
  return breakers.filter((b) => states.includes(b.state)).map((b) => b.name);
}

function describe(total: number, open: string[], halfOpen: string[]): string {
  if (total === 0) return 'No circuit breakers registered';
  if (open.length && halfOpen.length) {
    return `Open circuit breakers: ${open.join(', ')}; half-open: ${halfOpen.join(', ')}`;
  }
  if (open.length) return `Open circuit breakers: ${open.join(', ')}`;
  if (halfOpen.length) return `Half-open circuit breakers: ${halfOpen.join(', ')}`;
  return 'All circuit breakers closed';
}

function countersOf({ state, successes, failures, rejections, breaks }: CircuitBreakerSnapshot) {
  return { state, successes, failures, rejections, breaks };
}
