import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { SystemHealthStatus } from '../../libs/health/src';
import { HealthStatus, HealthConfigurationError } from '../../libs/health/src';
import { analyzeSeries } from '../../libs/health/src/trends/trend.analysis';
import type { TrendSettings } from '../../libs/health/src/trends/trend.options';
import {
  TREND_LIMITS,
  maxTrendBytes,
  resolveTrendSettings,
} from '../../libs/health/src/trends/trend.options';
import { TrendStore, trendCapacity } from '../../libs/health/src/trends/trend.store';
import type { Target } from './targets';
import { target } from './targets';

/**
 * The trend store at its maximum retention: 50 components sampled every 10 s for the longest
 * retention the settings accept (8,640 intervals: 24 h, 432,050 samples held), then a million
 * samples more (every ring wrapped). Memory is V8's heap plus the typed arrays' backing stores
 * (`arrayBuffers`, outside `heapUsed`), after full collections. Also times `analyze` of a 24 h
 * window over the 50 full components.
 */
export const TREND_COMPONENTS = TREND_LIMITS.components;
const INTERVAL_MS = 10_000;
const MORE_SAMPLES = 1_000_000;
const ANALYZE_RUNS = 9;
const START_MS = 1_795_000_000_000;
const STATUSES = [HealthStatus.HEALTHY, HealthStatus.DEGRADED, HealthStatus.UNHEALTHY];
/** Growth allowed once the rings have wrapped: GC noise only. */
const WRAPPED_GROWTH_KB = 256;

/** `global.gc` under `node --expose-gc`; otherwise the same function, exposed at run time. */
function collector(): () => void {
  if (typeof global.gc === 'function') return () => global.gc?.();
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

function memory(gc: () => void): { heap: number; buffers: number } {
  gc();
  gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return { heap: heapUsed, buffers: arrayBuffers };
}

/** One report reused for every tick, so that only the store's own memory is measured. */
function reportTemplate(): SystemHealthStatus {
  const components = Array.from({ length: TREND_COMPONENTS }, (_, i) => ({
    name: `component_${String(i).padStart(2, '0')}`,
    status: HealthStatus.HEALTHY,
    message: '',
    response_time_ms: 0,
    metadata: {},
  }));
  return { overall_status: HealthStatus.HEALTHY, components, timestamp: 0 };
}

function feed(store: TrendStore, report: SystemHealthStatus, fromTick: number, ticks: number) {
  for (let tick = fromTick; tick < fromTick + ticks; tick++) {
    report.timestamp = (START_MS + tick * INTERVAL_MS) / 1000;
    report.components.forEach((component, i) => {
      component.status = STATUSES[(tick + i) % 97 === 0 ? 2 : (tick + i) % 13 === 0 ? 1 : 0];
      component.response_time_ms = 1 + ((tick * 7 + i * 13) % 400) / 10;
    });
    store.record(report);
  }
}

function analyzeAll(store: TrendStore, settings: TrendSettings, ticks: number): number {
  const endMs = START_MS + ticks * INTERVAL_MS;
  const window = { startMs: endMs - settings.retentionMs, endMs };
  const started = performance.now();
  for (const name of store.names()) analyzeSeries(store.since(name, window.startMs)!, window);
  return performance.now() - started;
}

/** The longest retention the settings accept at a 10 s interval, and proof that 1 ms more is refused. */
function maximumSettings(): { settings: TrendSettings; refused: string } {
  const longest = INTERVAL_MS * TREND_LIMITS.intervalsKept;
  const settings = resolveTrendSettings({ retentionMs: longest }, INTERVAL_MS);
  try {
    resolveTrendSettings({ retentionMs: longest + 1 }, INTERVAL_MS);
    return { settings, refused: 'NOT refused' };
  } catch (error) {
    if (!(error instanceof HealthConfigurationError)) throw error;
    return { settings, refused: error.message };
  }
}

export interface TrendFigures {
  capacity: number;
  daySamples: number;
  /** Heap growth (never below 0) + arrayBuffers growth after the first 24 h, bytes. */
  dayBytes: number;
  dayHeap: number;
  dayBuffers: number;
  dayTypedArrays: number;
  /** Heap + arrayBuffers growth over the million samples after it, bytes. */
  growth: number;
  heldAfter: number;
  analyzeMedianMs: number;
  analyzeMaxMs: number;
  refused: string;
}

export function measureTrendStore(): TrendFigures {
  const gc = collector();
  const { settings, refused } = maximumSettings();
  const capacity = trendCapacity(settings);
  const report = reportTemplate();
  const dayTicks = capacity - 1;
  const moreTicks = MORE_SAMPLES / TREND_COMPONENTS;
  // Compiled code and inline caches are not the store's memory: run everything once first.
  const warm = new TrendStore(capacity);
  feed(warm, report, 0, 2 * capacity);
  analyzeAll(warm, settings, 2 * capacity);

  // Measurements first, printing after: nothing but the store allocates between them.
  const before = memory(gc);
  const store = new TrendStore(capacity);
  feed(store, report, 0, dayTicks);
  const day = memory(gc);
  const dayTypedArrays = store.byteLength;
  feed(store, report, dayTicks, moreTicks);
  const after = memory(gc);
  const analyzeMs = Array.from({ length: ANALYZE_RUNS }, () =>
    analyzeAll(store, settings, dayTicks + moreTicks),
  ).sort((a, b) => a - b);
  return {
    capacity,
    daySamples: dayTicks * TREND_COMPONENTS,
    // A heap that shrank (GC noise) is not counted as a saving.
    dayBytes: Math.max(0, day.heap - before.heap) + (day.buffers - before.buffers),
    dayHeap: day.heap - before.heap,
    dayBuffers: day.buffers - before.buffers,
    dayTypedArrays,
    growth: after.heap - day.heap + (after.buffers - day.buffers),
    heldAfter: store.since('component_00', -Infinity)!.times.length,
    analyzeMedianMs: analyzeMs[ANALYZE_RUNS >> 1],
    analyzeMaxMs: analyzeMs[ANALYZE_RUNS - 1],
    refused,
  };
}

/**
 * The store holds what its bound says (3.71 MiB of typed arrays for 50 components, + 10% for the
 * rings' objects), stops growing once it wraps, and a longer retention is refused.
 */
export function trendTargets(f: TrendFigures): Target[] {
  const bound = maxTrendBytes() / 2 ** 20;
  return [
    target(
      `trend store, ${TREND_COMPONENTS} components at the maximum retention`,
      f.dayBytes / 2 ** 20,
      '<=',
      Math.round(bound * 1.1 * 100) / 100,
      'MiB',
    ),
    target(
      'trend store growth after the rings wrap',
      f.growth / 1024,
      '<',
      WRAPPED_GROWTH_KB,
      'KiB',
    ),
    target(
      'trend retention past the bound refused',
      f.refused.includes('memory budget') ? 1 : 0,
      '>=',
      1,
    ),
  ];
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;
const sign = (bytes: number) => `${bytes >= 0 ? '+' : '-'}${mb(Math.abs(bytes))}`;
const signKb = (bytes: number) =>
  `${bytes >= 0 ? '+' : '-'}${(Math.abs(bytes) / 1024).toFixed(1)} KB`;

export function trendReport(f: TrendFigures): string {
  return [
    `trend store at its maximum retention: ${TREND_COMPONENTS} components, one sample each per 10 s`,
    `capacity          ${f.capacity} samples per component (${TREND_LIMITS.intervalsKept} intervals kept at most)`,
    `one more ms       ${f.refused}`,
    `\nafter ${f.daySamples.toLocaleString('en')} samples (24 h)`,
    `  heapUsed        ${sign(f.dayHeap)}`,
    `  arrayBuffers    ${sign(f.dayBuffers)}`,
    `  total           ${sign(f.dayBytes)} (${(f.dayBytes / f.daySamples).toFixed(1)} B a sample)`,
    `  typed arrays    ${mb(f.dayTypedArrays)}`,
    `\nafter ${MORE_SAMPLES.toLocaleString('en')} more samples (wrapped)`,
    `  growth          ${signKb(f.growth)}`,
    `  samples held    ${f.heldAfter} per component`,
    `\nanalyze, 24 h window, ${TREND_COMPONENTS} full components, ${ANALYZE_RUNS} runs`,
    `  median          ${f.analyzeMedianMs.toFixed(1)} ms`,
    `  max             ${f.analyzeMaxMs.toFixed(1)} ms`,
  ].join('\n');
}
