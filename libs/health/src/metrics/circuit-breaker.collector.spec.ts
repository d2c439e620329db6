import { ConsecutiveBreaker } from 'cockatiel';
import { Registry } from 'prom-client';
import { CIRCUIT_BREAKER_METRIC_NAMES as N } from '../formats/metric-names';
import { CircuitBreakerRegistry } from '../indicators/resilience/circuit-breaker.registry';
import type { Sample } from '../testing/prometheus-text';
import { parseMetrics, select, valueOf } from '../testing/prometheus-text';
import type { CircuitBreakerFigures } from './circuit-breaker.collector';
import {
  CIRCUIT_BREAKER_STATES,
  CircuitBreakerMetricsCollector,
} from './circuit-breaker.collector';

const HALF_OPEN_AFTER = 10_000;
const down = () => {
  throw new Error('dependency down');
};

/** Each breaker's current state, checking the StateSet: every state once, exactly one at 1. */
function breakerStates(samples: Sample[]): Record<string, string> {
  const states: Record<string, string> = {};
  const names = new Set(select(samples, N.state).map((s) => s.labels.breaker));
  for (const breaker of names) {
    const group = select(samples, N.state, { breaker });
    expect(group.map((s) => s.labels.state).sort()).toEqual([...CIRCUIT_BREAKER_STATES].sort());
    const on = group.filter((s) => s.value === 1);
    expect(on).toHaveLength(1);
    expect(group.filter((s) => s.value !== 1).every((s) => s.value === 0)).toBe(true);
    states[breaker] = on[0].labels.state;
  }
  return states;
}

describe('CircuitBreakerMetricsCollector', () => {
  let now: number;
  let breakers: CircuitBreakerRegistry;
  let registry: Registry;
  let collector: CircuitBreakerMetricsCollector;

  beforeEach(() => {
    // cockatiel and the registry both read Date.now: one clock for both.
    now = 1_700_000_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    breakers = new CircuitBreakerRegistry();
    registry = new Registry();
    collector = new CircuitBreakerMetricsCollector(breakers);
  });

  afterEach(() => {
    collector.detach(registry);
    jest.restoreAllMocks();
  });

  const scrape = async () => parseMetrics(await registry.metrics());
  const make = (name: string, threshold = 2) =>
    breakers.create(name, {
      halfOpenAfterMs: HALF_OPEN_AFTER,
      breaker: new ConsecutiveBreaker(threshold),
    });
  async function fail(name: string, times: number): Promise<void> {
    for (let i = 0; i < times; i++) await breakers.execute(name, down).catch(() => undefined);
  }

  it('shows every registered breaker closed, its counters at zero', async () => {
    make('payments');
    make('search');
    expect(collector.attach(registry)).toEqual([]);
    const samples = await scrape();
    expect(breakerStates(samples)).toEqual({ payments: 'closed', search: 'closed' });
    for (const name of [N.successes, N.failures, N.rejections, N.breaks]) {
      expect(select(samples, name).map((s) => [s.labels.breaker, s.value])).toEqual([
        ['payments', 0],
        ['search', 0],
      ]);
    }
  });

  it('follows a real breaker: successes, failures, open, rejections, half-open, closed again', async () => {
    make('payments');
    collector.attach(registry);
    await breakers.execute('payments', () => 'ok');
    await fail('payments', 2);
    let samples = await scrape();
    expect(breakerStates(samples)).toEqual({ payments: 'open' });
    expect(valueOf(samples, N.successes, { breaker: 'payments' })).toBe(1);
    expect(valueOf(samples, N.failures, { breaker: 'payments' })).toBe(2);
    expect(valueOf(samples, N.breaks, { breaker: 'payments' })).toBe(1);

    await fail('payments', 3);
    samples = await scrape();
    expect(valueOf(samples, N.rejections, { breaker: 'payments' })).toBe(3);
    expect(valueOf(samples, N.failures, { breaker: 'payments' })).toBe(2);

    now += HALF_OPEN_AFTER;
    expect(breakerStates(await scrape())).toEqual({ payments: 'half_open' });
    await breakers.execute('payments', () => 'recovered');
    samples = await scrape();
    expect(breakerStates(samples)).toEqual({ payments: 'closed' });
    expect(valueOf(samples, N.successes, { breaker: 'payments' })).toBe(2);
  });

  it('says isolated for a breaker held open by hand, and counts no break', async () => {
    const policy = make('payments');
    collector.attach(registry);
    const isolation = policy.isolate();
    let samples = await scrape();
    expect(breakerStates(samples)).toEqual({ payments: 'isolated' });
    expect(valueOf(samples, N.breaks, { breaker: 'payments' })).toBe(0);
    isolation.dispose();
    samples = await scrape();
    expect(breakerStates(samples)).toEqual({ payments: 'closed' });
  });

  it('drops every series of a breaker once it is unregistered', async () => {
    make('payments');
    make('search');
    collector.attach(registry);
    expect(Object.keys(breakerStates(await scrape()))).toEqual(['payments', 'search']);
    breakers.unregister('search');
    const samples = await scrape();
    expect(new Set(samples.map((s) => s.labels.breaker))).toEqual(new Set(['payments']));
  });

  it('takes names fit for a label only, and keeps the scrape going when the source fails', async () => {
    let figures: unknown = [
      { name: 'ok-name', state: 'open', successes: 1, failures: -3, rejections: NaN, breaks: '2' },
      {
        name: 'Bearer abc.def',
        state: 'closed',
        successes: 0,
        failures: 0,
        rejections: 0,
        breaks: 0,
      },
      null,
    ];
    const source = {
      snapshot: (): readonly CircuitBreakerFigures[] => {
        if (figures instanceof Error) throw figures;
        return figures as CircuitBreakerFigures[];
      },
    };
    const own = new CircuitBreakerMetricsCollector(source);
    own.attach(registry);
    let samples = await scrape();
    expect(new Set(samples.map((s) => s.labels.breaker))).toEqual(new Set(['ok-name']));
    expect(breakerStates(samples)).toEqual({ 'ok-name': 'open' });
    // Figures that are not counts count as 0.
    expect(valueOf(samples, N.successes, { breaker: 'ok-name' })).toBe(1);
    expect(valueOf(samples, N.failures, { breaker: 'ok-name' })).toBe(0);
    expect(valueOf(samples, N.rejections, { breaker: 'ok-name' })).toBe(0);
    expect(valueOf(samples, N.breaks, { breaker: 'ok-name' })).toBe(0);

    figures = new Error('registry bug');
    samples = await scrape();
    expect(select(samples, N.state)).toEqual([]);
    figures = 'not a list';
    expect(select(await scrape(), N.state)).toEqual([]);
    own.detach(registry);
  });

  it('removes its metrics when detached, and takes over those another instance left', async () => {
    const other = new CircuitBreakerMetricsCollector(breakers);
    other.attach(registry);
    expect(collector.attach(registry).sort()).toEqual(Object.values(N).sort());
    other.detach(registry);
    expect(registry.getSingleMetric(N.state)).toBeDefined();
    collector.detach(registry);
    expect(await registry.metrics()).toBe('\n');
  });
});
