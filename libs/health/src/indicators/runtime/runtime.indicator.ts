import type { OnModuleDestroy } from '@nestjs/common';
import { Injectable } from '@nestjs/common';
import type { IntervalHistogram } from 'node:perf_hooks';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import type { HealthIndicator } from '../../core/health-check';
import type { IndicatorResult } from '../../core/health-status';
import type { RuntimeReadings } from './runtime.grade';
import { gradeRuntime, runtimeMetadata } from './runtime.grade';
import type { ResolvedRuntimeOptions, RuntimeIndicatorOptions } from './runtime.options';
import { resolveRuntimeOptions } from './runtime.options';

const NS_PER_MS = 1e6;

/**
 * The Node.js process itself: event loop delay p99 since the previous check, V8 heap used
 * against the heap limit and, when its thresholds are set, RSS. The worst is the status.
 */
@Injectable()
export class RuntimeIndicator implements HealthIndicator, OnModuleDestroy {
  readonly name = 'runtime';
  private readonly options: ResolvedRuntimeOptions;
  private readonly delay: IntervalHistogram;

  constructor(options: RuntimeIndicatorOptions = {}) {
    this.options = resolveRuntimeOptions(options);
    // Started now so that the first check already has samples.
    this.delay = monitorEventLoopDelay({ resolution: this.options.resolutionMs });
    this.delay.enable();
  }

  check(): IndicatorResult {
    const readings = this.read();
    return {
      ...gradeRuntime(readings, this.options),
      metadata: runtimeMetadata(readings, this.options),
    };
  }

  onModuleDestroy(): void {
    this.delay.disable();
  }

  private read(): RuntimeReadings {
    const sampled = this.delay.count > 0;
    const p99 = sampled ? this.lateMs(this.delay.percentile(99)) : 0;
    const max = sampled ? this.lateMs(this.delay.max) : 0;
    // Each reading covers only the time since the previous one, so a past stall does not linger.
    this.delay.reset();
    const { heapUsed, rss } = process.memoryUsage();
    const heapLimit = getHeapStatistics().heap_size_limit;
    return {
      eventLoopDelayP99Ms: p99,
      eventLoopDelayMaxMs: max,
      heapUsedBytes: heapUsed,
      heapLimitBytes: heapLimit,
      heapUsedRatio: heapUsed / heapLimit,
      rssBytes: rss,
    };
  }

  /** The histogram records the time between samples; the delay is how late a sample came. */
  private lateMs(intervalNs: number): number {
    return Math.max(0, intervalNs / NS_PER_MS - this.options.resolutionMs);
  }
}
