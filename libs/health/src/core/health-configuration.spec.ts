import { HealthConfigurationError } from './errors';
import type { ConfigChangeEvent } from './health-configuration';
import { HealthStatus } from './health-status';
import { HealthService } from './health.service';
import { dateClock } from '../testing/clocks';

const { HEALTHY, DEGRADED, UNHEALTHY } = HealthStatus;

describe('HealthService configuration at runtime', () => {
  let service: HealthService;
  let slowMs: number;
  let runs: number;

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_700_000_000_000 });
    slowMs = 300;
    runs = 0;
    service = new HealthService({
      clock: dateClock,
      evaluationIntervalMs: 0,
      defaultTimeoutMs: 1000,
      cacheTtlMs: 60_000,
      components: { db: { retries: 0 } },
      configSources: { defaultTimeoutMs: 'environment' },
      checks: [
        {
          name: 'db',
          critical: false,
          check: () =>
            new Promise((resolve) => {
              runs++;
              setTimeout(() => resolve({ status: HEALTHY }), slowMs);
            }),
        },
      ],
    });
  });
  afterEach(() => {
    service.onModuleDestroy();
    jest.useRealTimers();
  });

  const evaluate = async () => {
    const pending = service.checkComponent('db');
    await jest.advanceTimersByTimeAsync(2000);
    return pending;
  };

  it('gives every value with its source', () => {
    const config = service.configuration();
    expect(config.version).toBe(1);
    expect(config.defaults).toMatchObject({
      timeoutMs: { value: 1000, source: 'environment' },
      cacheTtlMs: { value: 60_000, source: 'options' },
      retries: { value: 1, source: 'default' },
    });
    expect(config.checks.db).toMatchObject({
      timeoutMs: { value: 1000, source: 'environment' },
      retries: { value: 0, source: 'options' },
      critical: { value: false, source: 'code' },
      mode: { value: 'active', source: 'default' },
      enabled: { value: true, source: 'default' },
    });
  });

  it('applies a patch from the next evaluation, dropping cached results, and announces it', async () => {
    const events: ConfigChangeEvent[] = [];
    service.onConfigChange((event) => void events.push(event));
    expect((await evaluate()).status).toBe(HEALTHY);
    const event = service.applyConfiguration(
      { checks: { db: { timeoutMs: 100, timeoutStatus: UNHEALTHY } } },
      { actor: 'key:1a2b3c4d' },
    );
    expect(event).toEqual({
      version: 2,
      source: 'runtime',
      actor: 'key:1a2b3c4d',
      changes: [
        { path: 'checks.db.timeoutMs', from: 1000, to: 100 },
        { path: 'checks.db.timeoutStatus', from: DEGRADED, to: UNHEALTHY },
      ],
    });
    expect(events).toEqual([event]);
    // The cached healthy result is gone: the next evaluation runs, and times out at 100 ms.
    const after = await evaluate();
    expect(runs).toBe(2);
    expect(after).toMatchObject({ status: UNHEALTHY, message: 'db timed out after 100 ms' });
    expect(service.configuration().checks.db.timeoutMs).toEqual({ value: 100, source: 'runtime' });
  });

  it('changes a default for every check without its own value, and null takes it back', async () => {
    service.applyConfiguration({ defaults: { timeoutMs: 200 } });
    expect(service.configuration().checks.db.timeoutMs).toEqual({ value: 200, source: 'runtime' });
    expect((await evaluate()).status).toBe(DEGRADED);
    service.applyConfiguration({ defaults: { timeoutMs: null } });
    expect(service.configuration().checks.db.timeoutMs.source).toBe('environment');
    expect(service.configuration().version).toBe(3);
  });

  it.each([
    [{ checks: { db: { timeoutMs: -1 } } }, /checks\.db\.timeoutMs: -1/],
    [{ checks: { db: { mode: 'dark' } } }, /checks\.db\.mode: "dark"/],
    [{ checks: { db: { color: 'red' } } }, /checks\.db\.color: "red" \(expected one of timeoutMs/],
    [
      { checks: { nope: { timeoutMs: 5 } } },
      /checks\.nope: "nope" \(expected the name of a registered check\)/,
    ],
    [{ defaults: { retries: 1.5 } }, /defaults\.retries: 1\.5/],
    [{ defaults: { timeoutMs: 0 } }, /defaults\.timeoutMs: 0/],
    [{ other: 1 }, /other/],
    [[1], /patch/],
  ])('refuses %j, naming the field, and changes nothing', (patch, message) => {
    const before = service.configuration();
    expect(() => service.applyConfiguration(patch)).toThrow(HealthConfigurationError);
    expect(() => service.applyConfiguration(patch)).toThrow(message);
    expect(service.configuration()).toEqual(before);
  });

  it('is not blocked by a runtime value left for a check since unregistered', () => {
    service.register({ name: 'cache', check: () => ({ status: HEALTHY }) });
    service.applyConfiguration({ checks: { cache: { timeoutMs: 300 } } });
    service.unregister('cache');
    expect(service.applyConfiguration({ checks: { db: { timeoutMs: 400 } } }).version).toBe(3);
    expect(() => service.applyConfiguration({ checks: { cache: { timeoutMs: 5 } } })).toThrow(
      /checks\.cache/,
    );
  });

  it('bumps nothing for a patch that changes nothing, and resets to the other sources', () => {
    expect(service.applyConfiguration({ checks: { db: { retries: 0 } } }).changes).toEqual([]);
    expect(service.configuration().version).toBe(1);
    service.applyConfiguration({ checks: { db: { mode: 'shadow', enabled: false } } });
    const reset = service.resetConfiguration();
    expect(reset.changes.map((c) => c.path)).toEqual(['checks.db.enabled', 'checks.db.mode']);
    expect(service.configuration().checks.db.mode).toEqual({ value: 'active', source: 'default' });
  });
});
