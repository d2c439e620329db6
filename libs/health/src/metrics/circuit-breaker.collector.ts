import type { Metric, Registry } from 'prom-client';
import { Counter, Gauge } from 'prom-client';
import { COMPONENT_NAME_PATTERN } from '../shared/names';
import { CIRCUIT_BREAKER_METRIC_NAMES as NAMES } from '../formats/metric-names';
import type { CircuitBreakerState } from '../core/ports';
import { attachMetrics, detachMetrics } from '../shared/registry-attachment';
import type { HealthMetricsCollector } from './metrics-collector';

/** The states of `circuit_breaker_state`, one series each. */
export const CIRCUIT_BREAKER_STATES: readonly CircuitBreakerState[] = [
  'closed',
  'open',
  'half_open',
  'isolated',
];

/** One breaker's figures, as `CircuitBreakerRegistry.snapshot()` gives them. */
export interface CircuitBreakerFigures {
  name: string;
  state: CircuitBreakerState;
  successes: number;
  failures: number;
  rejections: number;
  breaks: number;
}

/** What `CircuitBreakerMetricsCollector` needs: `CircuitBreakerRegistry` satisfies it. */
export interface CircuitBreakerMetricsSource {
  /** Every breaker's state and counters since it was registered. */
  snapshot(): readonly CircuitBreakerFigures[];
}

type CounterKey = 'successes' | 'failures' | 'rejections' | 'breaks';

const COUNTERS: readonly [CounterKey, string][] = [
  ['successes', 'Calls through the circuit breaker that ran and succeeded.'],
  ['failures', 'Calls through the circuit breaker that ran and failed.'],
  ['rejections', 'Calls refused by the open (or isolated) circuit breaker.'],
  ['breaks', 'Times the circuit breaker opened on its own.'],
];

/**
 * The circuit breakers in Prometheus, read from the registry at each scrape:
 * `circuit_breaker_state{breaker,state}` (a StateSet: one series per state, 1 for the current)
 * and `circuit_breaker_{successes,failures,rejections,breaks}_total{breaker}`. `breaker` takes
 * the registered names only; a breaker unregistered leaves no series behind.
 */
export class CircuitBreakerMetricsCollector implements HealthMetricsCollector {
  private readonly metrics: [string, Metric][];

  constructor(source: CircuitBreakerMetricsSource) {
    const read = () => breakersOf(source);
    const state = new Gauge({
      name: NAMES.state,
      help: 'Current state of each circuit breaker: 1 for its state, 0 for the others.',
      labelNames: ['breaker', 'state'] as const,
      registers: [],
      collect() {
        this.reset();
        for (const breaker of read()) {
          for (const name of CIRCUIT_BREAKER_STATES) {
            this.set({ breaker: breaker.name, state: name }, breaker.state === name ? 1 : 0);
          }
        }
      },
    });
    this.metrics = [[NAMES.state, state]];
    for (const [key, help] of COUNTERS) {
      const counter = new Counter({
        name: NAMES[key],
        help,
        labelNames: ['breaker'] as const,
        registers: [],
        collect() {
          this.reset();
          for (const breaker of read()) this.inc({ breaker: breaker.name }, count(breaker[key]));
        },
      });
      this.metrics.push([NAMES[key], counter]);
    }
  }

  attach(registry: Registry): string[] {
    return attachMetrics(registry, this.metrics);
  }

  detach(registry: Registry): void {
    detachMetrics(registry, this.metrics);
  }
}

/** The breakers with a name fit for a label; none when the source fails (the scrape goes on). */
function breakersOf(source: CircuitBreakerMetricsSource): readonly CircuitBreakerFigures[] {
  let breakers: readonly CircuitBreakerFigures[];
  try {
    breakers = source.snapshot();
  } catch {
    return [];
  }
  if (!Array.isArray(breakers)) return [];
  return breakers.filter((b) => typeof b?.name === 'string' && COMPONENT_NAME_PATTERN.test(b.name));
}

/** A counter's value: a count, or 0 for anything else. */
function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}
