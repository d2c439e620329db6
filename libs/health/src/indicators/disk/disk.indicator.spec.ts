import { statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { HealthConfigService } from '../../config/health-config.service';
import { HealthService } from '../../core/health.service';
import { HealthStatus } from '../../core/health-status';
import { bytesText } from '../../shared/indicator-options';
import { DiskIndicator } from './disk.indicator';
import type { DiskIndicatorOptions } from './disk.options';
import { DISK_DEFAULTS } from './disk.options';

const GIB = 1024 ** 3;

/** The real free space of the temporary folder's file system, as the indicator reads it. */
async function free(): Promise<{ bytes: number; ratio: number }> {
  const stats = await statfs(tmpdir());
  const bytes = stats.bavail * stats.bsize;
  return { bytes, ratio: bytes / (stats.blocks * stats.bsize) };
}

describe('DiskIndicator (the real file system)', () => {
  const path = tmpdir();

  it('reports the free space of the path, HEALTHY above its thresholds', async () => {
    const actual = await free();
    const disk = new DiskIndicator({
      path,
      freeDegradedRatio: actual.ratio / 4,
      freeUnhealthyRatio: actual.ratio / 8,
    });
    const { status, message, metadata = {} } = await disk.check();
    expect(status).toBe(HealthStatus.HEALTHY);
    expect(message).toMatch(new RegExp(`^${path}: [\\d.]+ [KMGTP]?i?B free \\([\\d.]+%\\)$`));
    expect(metadata.free_bytes as number).toBeGreaterThan(actual.bytes - GIB);
    expect(metadata.total_bytes as number).toBeGreaterThanOrEqual(metadata.free_bytes as number);
    expect(metadata.free_ratio as number).toBeCloseTo(actual.ratio, 2);
    expect(metadata).toMatchObject({ free_degraded_bytes: 0, free_unhealthy_bytes: 0 });
    expect(disk.name).toBe('disk');
    expect(disk.baseMetadata).toEqual({ path });
  });

  it('is DEGRADED below freeDegradedBytes, naming the limit', async () => {
    const actual = await free();
    const limit = actual.bytes + 10 * GIB;
    const disk = new DiskIndicator({
      path,
      freeDegradedRatio: 0,
      freeUnhealthyRatio: 0,
      freeDegradedBytes: limit,
    });
    const { status, message } = await disk.check();
    expect(status).toBe(HealthStatus.DEGRADED);
    expect(message).toMatch(new RegExp(`, below ${bytesText(limit).replace('.', '\\.')}$`));
  });

  it('is UNHEALTHY below freeUnhealthyRatio, and names both limits crossed at that level', async () => {
    const actual = await free();
    const limit = actual.bytes + 10 * GIB;
    const disk = new DiskIndicator({
      path,
      freeDegradedRatio: 1,
      freeUnhealthyRatio: 1,
      freeDegradedBytes: limit,
      freeUnhealthyBytes: limit,
    });
    const { status, message } = await disk.check();
    expect(status).toBe(HealthStatus.UNHEALTHY);
    expect(message).toMatch(/, below 100% and [\d.]+ [KMGTP]?i?B$/);
  });

  it('lets the worse of ratio and bytes win', async () => {
    const actual = await free();
    const disk = new DiskIndicator({
      path,
      freeDegradedRatio: 1,
      freeUnhealthyRatio: 0,
      freeUnhealthyBytes: actual.bytes + 10 * GIB,
    });
    const { status, message } = await disk.check();
    expect(status).toBe(HealthStatus.UNHEALTHY);
    expect(message).not.toMatch(/%$/);
    expect(message).not.toMatch(/and/);
  });

  it('through the engine: a missing path is UNHEALTHY naming it', async () => {
    const service = new HealthService({
      checks: [new DiskIndicator({ path: '/nonexistent/health/path' })],
    });
    try {
      expect(await service.checkComponent('disk')).toMatchObject({
        status: HealthStatus.UNHEALTHY,
        message: expect.stringMatching(
          /^disk check failed: Cannot read the free space of \/nonexistent\/health\/path: ENOENT/,
        ),
        metadata: { path: '/nonexistent/health/path' },
      });
    } finally {
      service.onModuleDestroy();
    }
  });

  it('watches / with 10% and 5% by default', async () => {
    expect(DISK_DEFAULTS).toMatchObject({
      path: '/',
      freeDegradedRatio: 0.1,
      freeUnhealthyRatio: 0.05,
    });
    const { metadata } = await new DiskIndicator().check();
    expect(metadata).toMatchObject({ free_degraded_ratio: 0.1, free_unhealthy_ratio: 0.05 });
  });

  it('shows sizes in binary units', () => {
    expect([
      bytesText(0),
      bytesText(1023),
      bytesText(1536),
      bytesText(5 * GIB),
      bytesText(2 ** 60),
    ]).toEqual(['0 B', '1023 B', '1.5 KiB', '5 GiB', '1020 PiB']);
  });

  it.each<[string, unknown, RegExp]>([
    ['options that are not an object', 'C:', /DiskIndicator options: "C:" \(expected an object\)/],
    ['an empty path', { path: '' }, /DiskIndicator\.path: "" \(expected a path\)/],
    ['a path with NUL', { path: 'a\0b' }, /DiskIndicator\.path/],
    [
      'a ratio above 1',
      { freeDegradedRatio: 1.5 },
      /DiskIndicator\.freeDegradedRatio: 1\.5 \(expected a ratio from 0 to 1\)/,
    ],
    ['a NaN ratio', { freeUnhealthyRatio: NaN }, /DiskIndicator\.freeUnhealthyRatio: NaN/],
    [
      'fractional bytes',
      { freeDegradedBytes: 1.5 },
      /DiskIndicator\.freeDegradedBytes: 1\.5 \(expected a whole number of bytes >= 0\)/,
    ],
    ['negative bytes', { freeUnhealthyBytes: -1 }, /DiskIndicator\.freeUnhealthyBytes: -1/],
    [
      'ratios out of order',
      { freeDegradedRatio: 0.1, freeUnhealthyRatio: 0.2 },
      /DiskIndicator\.freeUnhealthyRatio: 0\.2 \(expected a value <= DiskIndicator\.freeDegradedRatio \(0\.1\)\)/,
    ],
    [
      'bytes out of order',
      { freeDegradedBytes: 10, freeUnhealthyBytes: 20 },
      /DiskIndicator\.freeUnhealthyBytes: 20 \(expected a value <= DiskIndicator\.freeDegradedBytes \(10\)\)/,
    ],
    ['a bad name', { name: 'Disk 1' }, /DiskIndicator\.name: "Disk 1"/],
  ])('refuses %s at construction, naming the option', (_case, options, message) => {
    expect(() => new DiskIndicator(options as DiskIndicatorOptions)).toThrow(message);
  });
});

describe('DiskIndicator thresholds in the runtime configuration', () => {
  const path = tmpdir();

  it('changes a limit at runtime, key by key, the others kept from the constructor', async () => {
    const actual = await free();
    const disk = new DiskIndicator({ path, freeDegradedRatio: 0, freeUnhealthyRatio: 0 });
    const health = new HealthService({ checks: [disk], evaluationIntervalMs: 0 });
    const config = new HealthConfigService(health);
    try {
      expect(config.configuration().checks.disk.thresholds).toEqual({
        value: {
          freeDegradedRatio: 0,
          freeUnhealthyRatio: 0,
          freeDegradedBytes: 0,
          freeUnhealthyBytes: 0,
        },
        source: 'code',
      });
      expect((await health.checkComponent('disk')).status).toBe(HealthStatus.HEALTHY);
      config.applyConfiguration({
        checks: { disk: { thresholds: { freeDegradedBytes: actual.bytes + 10 * GIB } } },
      });
      expect(await health.checkComponent('disk')).toMatchObject({
        status: HealthStatus.DEGRADED,
        metadata: { free_degraded_bytes: actual.bytes + 10 * GIB, free_unhealthy_ratio: 0 },
      });
      config.applyConfiguration({ checks: { disk: { thresholds: null } } });
      expect((await health.checkComponent('disk')).status).toBe(HealthStatus.HEALTHY);
    } finally {
      health.onModuleDestroy();
    }
  });

  it('refuses a bad limit naming it, and applies nothing', () => {
    const health = new HealthService({
      checks: [new DiskIndicator({ path })],
      evaluationIntervalMs: 0,
    });
    const config = new HealthConfigService(health);
    try {
      const before = config.configuration();
      const bad = (thresholds: unknown) => () =>
        config.applyConfiguration({ checks: { disk: { thresholds } } });
      expect(bad({ freeDegradedRatio: 2 })).toThrow(
        /Invalid setting checks\.disk\.thresholds\.freeDegradedRatio: 2 \(expected a ratio from 0 to 1\)/,
      );
      expect(bad({ freeUnhealthyRatio: 0.5 })).toThrow(
        /checks\.disk\.thresholds\.freeUnhealthyRatio: 0\.5 \(expected a value <= checks\.disk\.thresholds\.freeDegradedRatio \(0\.1\)\)/,
      );
      expect(bad({ minFree: 1 })).toThrow(
        /checks\.disk\.thresholds\.minFree: 1 \(expected one of freeDegradedRatio/,
      );
      expect(config.configuration()).toEqual(before);
    } finally {
      health.onModuleDestroy();
    }
  });
});
