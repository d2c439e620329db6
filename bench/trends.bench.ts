import os from 'node:os';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { SystemHealthStatus } from '../libs/health/src';
import { HealthStatus } from '../libs/health/src';
import { analyzeSeries } from '../libs/health/src/trends/trend.analysis';
import { TrendStore, trendCapacity } from '../libs/health/src/trends/trend.store';

/**
 * Trend store memory: 50 components sampled every 10 s for 24 h (432,000 samples) must fit in
 * 10 MB, and a million samples later the store must not have grown. Memory is V8's heap plus
 * the typed arrays' backing stores (`arrayBuffers`, outside `heapUsed`), after a full GC.
 * Run with `npm run bench:trends`.
 */
const COMPONENTS = 50;
const SETTINGS = { intervalMs: 10_000, retentionMs: 24 * 60 * 60 * 1000 };
const DAY_SAMPLES = 432_000;
const MORE_SAMPLES = 1_000_000;
const BUDGET_BYTES = 10 * 1024 * 1024;
const ANALYZE_RUNS = 9;
const START_MS = 1_795_000_000_000;
const STATUSES = [HealthStatus.HEALTHY, HealthStatus.DEGRADED, HealthStatus.UNHEALTHY];

/** `global.gc` under `node --expose-gc`; otherwise the same function, exposed at run time. */
function collector(): () => void {
  if (typeof global.gc === 'function') return () => global.gc?.();
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

const gc = collector();

function memory(): { heap: number; buffers: number } {
  gc();
  gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return { heap: heapUsed, buffers: arrayBuffers };
}

/** One report reused for every tick, so that only the store's own memory is measured. */
function reportTemplate(): SystemHealthStatus {
  const components = Array.from({ length: COMPONENTS }, (_, i) => ({
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
    report.timestamp = (START_MS + tick * SETTINGS.intervalMs) / 1000;
    report.components.forEach((component, i) => {
      component.status = STATUSES[(tick + i) % 97 === 0 ? 2 : (tick + i) % 13 === 0 ? 1 : 0];
      component.response_time_ms = 1 + ((tick * 7 + i * 13) % 400) / 10;
    });
    store.record(report);
  }
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;
const sign = (bytes: number) => `${bytes >= 0 ? '+' : '-'}${mb(Math.abs(bytes))}`;
const signKb = (bytes: number) =>
  `${bytes >= 0 ? '+' : '-'}${(Math.abs(bytes) / 1024).toFixed(1)} KB`;

function analyzeAll(store: TrendStore, ticks: number): number {
  const endMs = START_MS + ticks * SETTINGS.intervalMs;
  const window = { startMs: endMs - SETTINGS.retentionMs, endMs };
  const started = performance.now();
  for (const name of store.names()) analyzeSeries(store.since(name, window.startMs)!, window);
  return performance.now() - started;
}

/** Compiled code and inline caches are not the store's memory: run everything once first. */
function warmUp(report: SystemHealthStatus, capacity: number): void {
  const store = new TrendStore(capacity);
  feed(store, report, 0, 2 * capacity);
  analyzeAll(store, 2 * capacity);
}

function main(): void {
  const cpus = os.cpus();
  const capacity = trendCapacity(SETTINGS);
  const report = reportTemplate();
  const dayTicks = DAY_SAMPLES / COMPONENTS;
  const moreTicks = MORE_SAMPLES / COMPONENTS;
  warmUp(report, capacity);

  // Measurements first, printing after: nothing but the store allocates between them.
  const before = memory();
  const store = new TrendStore(capacity);
  feed(store, report, 0, dayTicks);
  const day = memory();
  const dayTypedArrays = store.byteLength;
  feed(store, report, dayTicks, moreTicks);
  const after = memory();
  const analyzeMs = Array.from({ length: ANALYZE_RUNS }, () =>
    analyzeAll(store, dayTicks + moreTicks),
  ).sort((a, b) => a - b);

  // A heap that shrank (GC noise) is not counted as a saving.
  const dayBytes = Math.max(0, day.heap - before.heap) + (day.buffers - before.buffers);
  const growth = after.heap - day.heap + (after.buffers - day.buffers);
  console.log('trend store memory: 50 components, one sample each per 10 s, 24 h kept');
  console.log(`node              ${process.version}`);
  console.log(`cpu               ${cpus[0]?.model ?? 'unknown'} (${cpus.length} cores)`);
  console.log(`capacity          ${capacity} samples per component`);
  console.log(`\nafter ${DAY_SAMPLES.toLocaleString('en')} samples (24 h)`);
  console.log(`  heapUsed        ${sign(day.heap - before.heap)}`);
  console.log(`  arrayBuffers    ${sign(day.buffers - before.buffers)}`);
  console.log(
    `  total           ${sign(dayBytes)} (${(dayBytes / DAY_SAMPLES).toFixed(1)} B a sample)`,
  );
  console.log(`  typed arrays    ${mb(dayTypedArrays)}`);
  console.log(`  budget 10 MB    ${dayBytes <= BUDGET_BYTES ? 'met' : 'NOT met'}`);
  console.log(`\nafter ${MORE_SAMPLES.toLocaleString('en')} more samples (wrapped)`);
  console.log(`  heapUsed        ${signKb(after.heap - day.heap)} since 24 h`);
  console.log(`  arrayBuffers    ${signKb(after.buffers - day.buffers)} since 24 h`);
  console.log(`  growth          ${signKb(growth)}`);
  console.log(`  typed arrays    ${mb(store.byteLength)}`);
  console.log(
    `  samples held    ${store.since('component_00', -Infinity)!.times.length} per component`,
  );
  console.log(`\nanalyze, 24 h window, ${COMPONENTS} full components, ${ANALYZE_RUNS} runs`);
  console.log(`  median          ${analyzeMs[ANALYZE_RUNS >> 1].toFixed(1)} ms`);
  console.log(`  max             ${analyzeMs[ANALYZE_RUNS - 1].toFixed(1)} ms`);
}

main();
