import { Injectable } from '@nestjs/common';
import { statfs } from 'node:fs/promises';
import type { HealthIndicator, TunableThresholds } from '../../core/health-check';
import type { HealthMetadata, IndicatorResult } from '../../core/health-status';
import { HealthStatus } from '../../core/health-status';
import { errorText } from '../../shared/error-text';
import { bytesText } from '../../shared/indicator-options';
import { knownKeys } from '../../shared/validate';
import type { DiskIndicatorOptions, DiskThresholds } from './disk.options';
import { DISK_THRESHOLD_KEYS, resolveDiskOptions, resolveDiskThresholds } from './disk.options';

/**
 * The free space of the file system holding `path` (`fs.statfs`): the bytes an unprivileged
 * process may still write (`bavail`), and their ratio to the file system's size. Below a
 * threshold is DEGRADED or UNHEALTHY; the worse of the ratio and the bytes is the status.
 */
@Injectable()
export class DiskIndicator implements HealthIndicator {
  readonly name: string;
  readonly baseMetadata: HealthMetadata;
  /** The four limits, changeable through the `thresholds` check option, the file and at runtime. */
  readonly tunableThresholds: TunableThresholds;
  private readonly path: string;
  private limits: DiskThresholds;

  constructor(options: DiskIndicatorOptions = {}) {
    const { path, name, ...limits } = resolveDiskOptions(options);
    this.name = name;
    this.path = path;
    this.limits = limits;
    this.baseMetadata = { path };
    // A key left out of a change keeps its value from the constructor.
    const merged = (values: Readonly<Record<string, number>>, where: string) =>
      resolveDiskThresholds({ ...limits, ...values }, where);
    this.tunableThresholds = {
      defaults: { ...limits },
      validate: (values, where) => {
        knownKeys(values, where, DISK_THRESHOLD_KEYS);
        merged(values, where);
      },
      apply: (values) => {
        this.limits = merged(values, 'DiskIndicator');
      },
    };
  }

  async check(): Promise<IndicatorResult> {
    const { path } = this;
    let stats: Awaited<ReturnType<typeof statfs>>;
    try {
      stats = await statfs(path);
    } catch (error) {
      throw new Error(`Cannot read the free space of ${path}: ${errorText(error)}`);
    }
    const freeBytes = stats.bavail * stats.bsize;
    const totalBytes = stats.blocks * stats.bsize;
    const freeRatio = totalBytes > 0 ? freeBytes / totalBytes : 0;
    const { status, message } = this.grade(freeBytes, freeRatio);
    return {
      status,
      message,
      metadata: {
        free_bytes: freeBytes,
        total_bytes: totalBytes,
        free_ratio: Math.round(freeRatio * 1e6) / 1e6,
        free_degraded_ratio: this.limits.freeDegradedRatio,
        free_unhealthy_ratio: this.limits.freeUnhealthyRatio,
        free_degraded_bytes: this.limits.freeDegradedBytes,
        free_unhealthy_bytes: this.limits.freeUnhealthyBytes,
      },
    };
  }

  private grade(freeBytes: number, freeRatio: number): { status: HealthStatus; message: string } {
    const o = this.limits;
    const free = `${this.path}: ${bytesText(freeBytes)} free (${percent(freeRatio)}%)`;
    const byRatio = level(freeRatio, o.freeUnhealthyRatio, o.freeDegradedRatio);
    const byBytes = level(freeBytes, o.freeUnhealthyBytes, o.freeDegradedBytes);
    const worst = Math.max(byRatio, byBytes);
    if (worst === 0) return { status: HealthStatus.HEALTHY, message: free };
    const reasons: string[] = [];
    if (byRatio === worst) {
      reasons.push(`${percent(worst === 2 ? o.freeUnhealthyRatio : o.freeDegradedRatio)}%`);
    }
    if (byBytes === worst) {
      reasons.push(bytesText(worst === 2 ? o.freeUnhealthyBytes : o.freeDegradedBytes));
    }
    return {
      status: worst === 2 ? HealthStatus.UNHEALTHY : HealthStatus.DEGRADED,
      message: `${free}, below ${reasons.join(' and ')}`,
    };
  }
}

/** 2 below the unhealthy limit, 1 below the degraded one, else 0 (a limit of 0 never trips). */
function level(value: number, unhealthy: number, degraded: number): number {
  if (value < unhealthy) return 2;
  return value < degraded ? 1 : 0;
}

function percent(ratio: number): number {
  return Number((ratio * 100).toPrecision(3));
}
