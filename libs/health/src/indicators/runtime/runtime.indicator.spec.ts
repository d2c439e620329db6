import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { getHeapStatistics } from 'node:v8';
import { HealthService } from '../../core/health.service';
import { HealthStatus } from '../../core/health-status';
import type { RuntimeIndicatorOptions } from './runtime.options';
import { RUNTIME_DEFAULTS } from './runtime.options';
import { RuntimeIndicator } from './runtime.indicator';

/** Far from anything a test machine reaches by itself. */
const CALM = { eventLoopDelayDegradedMs: 5_000, eventLoopDelayUnhealthyMs: 10_000 };

/**
 * Holds the event loop with a real busy loop, then yields so the histogram records the stall.
 * Waits for a few samples first: the histogram's first tick after a reset only sets its baseline.
 */
async function blockEventLoop(ms: number): Promise<void> {
  await sleep(30);
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin
  }
  await sleep(30);
}

describe('RuntimeIndicator', () => {
  const made: RuntimeIndicator[] = [];
  const make = (options?: RuntimeIndicatorOptions) => {
    const indicator = new RuntimeIndicator(options);
    made.push(indicator);
    return indicator;
  };

  afterEach(() => {
    made.splice(0).forEach((indicator) => indicator.onModuleDestroy());
  });

  it('reports real figures, HEALTHY under its thresholds', async () => {
    const indicator = make(CALM);
    await sleep(50);
    const { status, message, metadata = {} } = indicator.check();
    expect(indicator.name).toBe('runtime');
    expect(status).toBe(HealthStatus.HEALTHY);
    expect(message).toMatch(/^Event loop delay p99 [\d.]+ ms, heap use [\d.]+% of limit$/);
    expect(metadata.heap_limit_bytes).toBe(getHeapStatistics().heap_size_limit);
    expect(metadata.heap_used_bytes).toBeGreaterThan(0);
    expect(metadata.rss_bytes).toBeGreaterThanOrEqual(metadata.heap_used_bytes as number);
    expect(metadata.heap_used_ratio).toBeCloseTo(
      (metadata.heap_used_bytes as number) / (metadata.heap_limit_bytes as number),
      5,
    );
    expect(metadata.event_loop_delay_p99_ms).toBeGreaterThanOrEqual(0);
    expect(metadata.event_loop_delay_p99_ms).toBeLessThan(CALM.eventLoopDelayDegradedMs);
    expect(metadata.event_loop_delay_max_ms).toBeGreaterThanOrEqual(
      metadata.event_loop_delay_p99_ms as number,
    );
  });

  it('shows its thresholds in metadata, defaults included', () => {
    expect(make().check().metadata).toMatchObject({
      event_loop_delay_degraded_ms: 100,
      event_loop_delay_unhealthy_ms: 500,
      heap_used_degraded_ratio: 0.85,
      heap_used_unhealthy_ratio: 0.95,
    });
    expect(RUNTIME_DEFAULTS).toEqual({
      eventLoopDelayDegradedMs: 100,
      eventLoopDelayUnhealthyMs: 500,
      heapUsedDegradedRatio: 0.85,
      heapUsedUnhealthyRatio: 0.95,
      rssDegradedBytes: 0,
      rssUnhealthyBytes: 0,
      resolutionMs: 10,
    });
  });

  it('is DEGRADED when the event loop was blocked past the degraded threshold', async () => {
    const indicator = make({ eventLoopDelayDegradedMs: 50, eventLoopDelayUnhealthyMs: 10_000 });
    await blockEventLoop(150);
    const { status, message, metadata = {} } = indicator.check();
    expect(status).toBe(HealthStatus.DEGRADED);
    expect(message).toMatch(/^Event loop delay p99 [\d.]+ ms exceeds 50 ms$/);
    expect(metadata.event_loop_delay_p99_ms).toBeGreaterThanOrEqual(100);
  });

  it('is UNHEALTHY past the unhealthy threshold', async () => {
    const indicator = make({ eventLoopDelayDegradedMs: 20, eventLoopDelayUnhealthyMs: 100 });
    await blockEventLoop(150);
    const { status, message } = indicator.check();
    expect(status).toBe(HealthStatus.UNHEALTHY);
    expect(message).toMatch(/^Event loop delay p99 [\d.]+ ms exceeds 100 ms$/);
  });

  it('forgets a stall once it has been reported: each reading covers the time since the last', async () => {
    const indicator = make({ eventLoopDelayDegradedMs: 100, eventLoopDelayUnhealthyMs: 10_000 });
    await blockEventLoop(150);
    expect(indicator.check().status).toBe(HealthStatus.DEGRADED);
    await sleep(50);
    const { status, metadata = {} } = indicator.check();
    expect(status).toBe(HealthStatus.HEALTHY);
    expect(metadata.event_loop_delay_max_ms).toBeLessThan(100);
  });

  it('reports zero delay when nothing was sampled since the last reading', () => {
    const indicator = make({ ...CALM, resolutionMs: 1_000 });
    expect(indicator.check().metadata).toMatchObject({
      event_loop_delay_p99_ms: 0,
      event_loop_delay_max_ms: 0,
    });
  });

  it('is UNHEALTHY naming heap use past a tiny heap threshold', () => {
    const indicator = make({ ...CALM, heapUsedDegradedRatio: 1e-7, heapUsedUnhealthyRatio: 1e-6 });
    const { status, message } = indicator.check();
    expect(status).toBe(HealthStatus.UNHEALTHY);
    expect(message).toMatch(/^Heap use [\d.]+% of limit exceeds 0\.0001%$/);
  });

  it('is DEGRADED naming heap use past the degraded heap threshold only', () => {
    const indicator = make({ ...CALM, heapUsedDegradedRatio: 1e-6, heapUsedUnhealthyRatio: 1 });
    expect(indicator.check()).toMatchObject({
      status: HealthStatus.DEGRADED,
      message: expect.stringMatching(/^Heap use [\d.]+% of limit exceeds 0\.0001%$/),
    });
  });

  it('lets the worst figure win, and names both when both are that bad', async () => {
    const heapBad = { heapUsedDegradedRatio: 1e-7, heapUsedUnhealthyRatio: 1e-6 };
    const worstHeap = make({
      eventLoopDelayDegradedMs: 20,
      eventLoopDelayUnhealthyMs: 10_000,
      ...heapBad,
    });
    const bothBad = make({
      eventLoopDelayDegradedMs: 20,
      eventLoopDelayUnhealthyMs: 50,
      ...heapBad,
    });
    await blockEventLoop(150);
    const onlyHeap = worstHeap.check();
    expect(onlyHeap.status).toBe(HealthStatus.UNHEALTHY);
    expect(onlyHeap.message).toMatch(/^Heap use/);
    expect(onlyHeap.message).not.toMatch(/Event loop/);
    expect(bothBad.check().message).toMatch(
      /^Event loop delay p99 [\d.]+ ms exceeds 50 ms; Heap use [\d.]+% of limit exceeds 0\.0001%$/,
    );
  });

  it('stops sampling on module destroy', async () => {
    const indicator = make({ eventLoopDelayDegradedMs: 50, eventLoopDelayUnhealthyMs: 10_000 });
    indicator.check();
    indicator.onModuleDestroy();
    await blockEventLoop(150);
    expect(indicator.check()).toMatchObject({
      status: HealthStatus.HEALTHY,
      metadata: { event_loop_delay_p99_ms: 0, event_loop_delay_max_ms: 0 },
    });
  });

  it('grades RSS when its thresholds are set: DEGRADED, then UNHEALTHY, naming it', () => {
    const rss = process.memoryUsage().rss;
    expect(make({ ...CALM, rssDegradedBytes: Math.floor(rss / 2) }).check()).toMatchObject({
      status: HealthStatus.DEGRADED,
      message: expect.stringMatching(/^RSS [\d.]+ [MG]iB exceeds [\d.]+ [KMG]iB$/),
      metadata: { rss_degraded_bytes: Math.floor(rss / 2), rss_unhealthy_bytes: 0 },
    });
    const both = make({ ...CALM, rssDegradedBytes: 1024, rssUnhealthyBytes: 2048 }).check();
    expect(both.status).toBe(HealthStatus.UNHEALTHY);
    expect(both.message).toMatch(/^RSS [\d.]+ [MG]iB exceeds 2 KiB$/);
    const far = make({ ...CALM, rssDegradedBytes: 2 ** 50, rssUnhealthyBytes: 2 ** 51 }).check();
    expect(far.status).toBe(HealthStatus.HEALTHY);
  });

  it('runs through the engine as the "runtime" component', async () => {
    const service = new HealthService({ checks: [make(CALM)] });
    try {
      await expect(service.checkComponent('runtime')).resolves.toMatchObject({
        name: 'runtime',
        status: HealthStatus.HEALTHY,
        metadata: { heap_used_bytes: expect.any(Number), rss_bytes: expect.any(Number) },
      });
    } finally {
      service.onModuleDestroy();
    }
  });

  it.each<[string, RuntimeIndicatorOptions, RegExp]>([
    [
      'a negative delay',
      { eventLoopDelayDegradedMs: -1 },
      /runtime\.eventLoopDelayDegradedMs: -1 \(expected a number of ms > 0\)/,
    ],
    ['a zero delay', { eventLoopDelayUnhealthyMs: 0 }, /runtime\.eventLoopDelayUnhealthyMs: 0 /],
    [
      'a delay that is not a number',
      { eventLoopDelayUnhealthyMs: '500' as never },
      /runtime\.eventLoopDelayUnhealthyMs: "500"/,
    ],
    [
      'an infinite delay',
      { eventLoopDelayUnhealthyMs: Infinity },
      /runtime\.eventLoopDelayUnhealthyMs: Infinity/,
    ],
    [
      'a ratio above 1',
      { heapUsedUnhealthyRatio: 1.5 },
      /runtime\.heapUsedUnhealthyRatio: 1\.5 \(expected a ratio > 0 and <= 1\)/,
    ],
    ['a zero ratio', { heapUsedDegradedRatio: 0 }, /runtime\.heapUsedDegradedRatio: 0 /],
    ['a NaN ratio', { heapUsedDegradedRatio: NaN }, /runtime\.heapUsedDegradedRatio: NaN/],
    [
      'a fractional resolution',
      { resolutionMs: 0.5 },
      /runtime\.resolutionMs: 0\.5 \(expected an integer of ms >= 1\)/,
    ],
    [
      'delay thresholds out of order',
      { eventLoopDelayDegradedMs: 600 },
      /runtime\.eventLoopDelayDegradedMs: 600 \(expected a value <= runtime\.eventLoopDelayUnhealthyMs \(500\)\)/,
    ],
    [
      'heap thresholds out of order',
      { heapUsedDegradedRatio: 0.9, heapUsedUnhealthyRatio: 0.8 },
      /runtime\.heapUsedDegradedRatio: 0\.9 .*heapUsedUnhealthyRatio \(0\.8\)/,
    ],
    [
      'fractional RSS bytes',
      { rssDegradedBytes: 1.5 },
      /runtime\.rssDegradedBytes: 1\.5 \(expected a whole number of bytes >= 0 \(0: off\)\)/,
    ],
    [
      'RSS thresholds out of order',
      { rssDegradedBytes: 2048, rssUnhealthyBytes: 1024 },
      /runtime\.rssDegradedBytes: 2048 \(expected a value <= runtime\.rssUnhealthyBytes \(1024\)\)/,
    ],
    [
      'options that are not an object',
      'fast' as never,
      /RuntimeIndicator options: "fast" \(expected an object\)/,
    ],
  ])('refuses %s, naming the option and the value', (_case, options, message) => {
    expect(() => new RuntimeIndicator(options)).toThrow(message);
  });
});
