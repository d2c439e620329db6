import { Logger } from '@nestjs/common';
import { dateClock, never } from '../../../../test/support/fake-clock';
import type { HealthModuleOptions } from '../health.options';
import {
  DuplicateHealthCheckError,
  HealthConfigurationError,
  UnknownComponentError,
} from '../shared/errors';
import type { HealthIndicator } from './health-check';
import type { SystemHealthStatus } from './health-status';
import { HealthStatus } from './health-status';
import { HealthService } from './health.service';

const healthy = (name: string) => ({ name, check: () => ({ status: HealthStatus.HEALTHY }) });

/** A check that counts its runs and settles when the test says so. */
function gated(name: string, status = HealthStatus.HEALTHY) {
  const gate = { calls: 0, release: () => undefined as void };
  const check = () => {
    gate.calls++;
    return new Promise<{ status: HealthStatus }>((resolve) => {
      gate.release = () => resolve({ status });
    });
  };
  return { gate, definition: { name, check } };
}

describe('HealthService', () => {
  let service: HealthService;
  const make = (options: HealthModuleOptions = {}) =>
    (service = new HealthService({ clock: dateClock, ...options }));

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_700_000_000_000 });
  });

  afterEach(() => {
    service?.onModuleDestroy();
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  describe('registry', () => {
    it('takes checks from module options, at runtime, and keeps registration order', () => {
      make({ checks: [healthy('a'), healthy('b')] });
      service.register(healthy('c'));
      expect(service.names()).toEqual(['a', 'b', 'c']);
      expect(service.has('b')).toBe(true);
    });

    it('refuses a second check with the same name, naming it', () => {
      make({ checks: [healthy('cache')] });
      expect(() => service.register(healthy('cache'))).toThrow(DuplicateHealthCheckError);
      expect(() => service.register(healthy('cache'))).toThrow(/"cache" is already registered/);
      expect(() => make({ checks: [healthy('x'), healthy('x')] })).toThrow(/"x"/);
    });

    it('replaces a check when asked, and the old unregister no longer removes it', async () => {
      make();
      const removeOld = service.register(healthy('db'));
      service.register(
        { name: 'db', check: () => ({ status: HealthStatus.DEGRADED, message: 'new' }) },
        { replace: true },
      );
      removeOld();
      expect(service.has('db')).toBe(true);
      await expect(service.checkComponent('db')).resolves.toMatchObject({ message: 'new' });
    });

    it('returns a function that removes the registration, once', async () => {
      make();
      const remove = service.register(healthy('tmp'));
      await service.check();
      expect(service.getLastStatus('tmp')).toBeDefined();
      remove();
      remove();
      expect(service.has('tmp')).toBe(false);
      expect(service.getLastStatus('tmp')).toBeUndefined();
      expect((await service.check()).components).toEqual([]);
      expect(service.unregister('tmp')).toBe(false);
    });

    it.each([
      [
        'a bad name',
        { name: 'Bad Name', check: () => ({ status: HealthStatus.HEALTHY }) },
        /name: "Bad Name"/,
      ],
      [
        'a name too long',
        { name: 'a'.repeat(65), check: () => ({ status: HealthStatus.HEALTHY }) },
        /\[a-z0-9_-\]\{1,64\}/,
      ],
      ['no check function', { name: 'x', check: 'nope' }, /check "x"\.check: "nope"/],
      ['a negative timeout', { ...healthy('x'), timeoutMs: -1 }, /timeoutMs: -1/],
      ['not an object', null, /check undefined: null/],
    ])('refuses %s with an error naming it', (_label, definition, message) => {
      make();
      const register = () => service.register(definition as unknown as HealthIndicator);
      expect(register).toThrow(HealthConfigurationError);
      expect(register).toThrow(message);
    });

    it('validates register options', () => {
      make();
      expect(() => service.register(healthy('x'), { retries: -1 })).toThrow(
        /check "x"\.retries: -1/,
      );
    });

    it('skips any name left out of enabledComponents, built-in or custom, logging it once', () => {
      const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
      make({
        enabledComponents: ['ai_model', 'payments'],
        checks: [healthy('ai_model'), healthy('cache'), healthy('payments'), healthy('orders')],
      });
      expect(service.names()).toEqual(['ai_model', 'payments']);
      expect(log).toHaveBeenCalledWith(
        expect.stringContaining('"cache" is not in the enabled components'),
      );
      const remove = service.register(healthy('orders'));
      remove();
      expect(service.has('orders')).toBe(false);
      expect(log.mock.calls.filter(([line]) => String(line).includes('"orders"'))).toHaveLength(1);
    });

    it('runs every registered check when enabledComponents is unset, and warns of nothing', () => {
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      make({ checks: [healthy('payments')] });
      service.onApplicationBootstrap();
      service.onModuleDestroy();
      expect(service.names()).toEqual(['payments']);
      expect(warn).not.toHaveBeenCalled();
    });

    it('gives a real signal only to abortable checks, and says so for one that asks without it', async () => {
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      const seen: AbortSignal[] = [];
      const hang = (signal: AbortSignal) => {
        seen.push(signal);
        return never<never>();
      };
      make({
        defaultTimeoutMs: 100,
        checks: [
          { name: 'explicit', abortable: true, check: hang },
          { name: 'implicit', check: hang },
          { name: 'wrapped', abortable: true, check: jest.fn(hang) },
        ],
      });
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('"implicit" declares a signal'));
      const pending = service.check();
      await jest.advanceTimersByTimeAsync(100);
      await pending;
      expect(seen.map((s) => s.aborted)).toEqual([true, false, true]);
    });

    it('calls an indicator class as a method, keeping `this`', async () => {
      class Payments implements HealthIndicator {
        readonly name = 'payments';
        private readonly reachable = true;
        check() {
          return { status: this.reachable ? HealthStatus.HEALTHY : HealthStatus.UNHEALTHY };
        }
      }
      make();
      service.register(new Payments());
      await expect(service.checkComponent('payments')).resolves.toMatchObject({
        status: 'healthy',
      });
    });
  });

  describe('options precedence', () => {
    const slow = (name: string, extra = {}) => ({ name, check: () => never<never>(), ...extra });

    it('uses the module default timeout', async () => {
      make({ defaultTimeoutMs: 30 });
      service.register(slow('a'));
      const pending = service.checkComponent('a');
      await jest.advanceTimersByTimeAsync(30);
      await expect(pending).resolves.toMatchObject({ message: 'a timed out after 30 ms' });
    });

    it('lets the indicator, then register options, then per-component settings override', async () => {
      make({ defaultTimeoutMs: 1000, components: { c: { timeoutMs: 10 } } });
      service.register(slow('a', { timeoutMs: 20 }));
      service.register(slow('b', { timeoutMs: 20 }), { timeoutMs: 40 });
      service.register(slow('c', { timeoutMs: 20 }), { timeoutMs: 40 });
      const pending = Promise.all(['a', 'b', 'c'].map((n) => service.checkComponent(n)));
      await jest.advanceTimersByTimeAsync(40);
      expect((await pending).map((s) => s.message)).toEqual([
        'a timed out after 20 ms',
        'b timed out after 40 ms',
        'c timed out after 10 ms',
      ]);
    });

    it('applies the module default retries', async () => {
      make({ retries: 0 });
      let calls = 0;
      service.register({
        name: 'x',
        check: () => {
          calls++;
          throw new Error('no');
        },
      });
      await service.checkComponent('x');
      expect(calls).toBe(1);
    });
  });

  describe('check()', () => {
    it('runs every check concurrently and aggregates them into a report', async () => {
      make({
        checks: [
          healthy('a'),
          {
            name: 'b',
            check: () =>
              new Promise((r) => setTimeout(() => r({ status: HealthStatus.DEGRADED }), 100)),
          },
          {
            name: 'c',
            check: () =>
              new Promise((r) => setTimeout(() => r({ status: HealthStatus.HEALTHY }), 100)),
          },
        ],
      });
      const pending = service.check();
      await jest.advanceTimersByTimeAsync(100);
      const report = await pending;
      expect(report.overall_status).toBe(HealthStatus.DEGRADED);
      expect(report.components.map((c) => [c.name, c.status, c.response_time_ms])).toEqual([
        ['a', 'healthy', 0],
        ['b', 'degraded', 100],
        ['c', 'healthy', 100],
      ]);
      expect(report.timestamp).toBe(1_700_000_000.1);
    });

    it('is HEALTHY with no components', async () => {
      make();
      await expect(service.check()).resolves.toEqual({
        overall_status: HealthStatus.HEALTHY,
        components: [],
        timestamp: 1_700_000_000,
      });
    });

    it('lets nothing escape: throws, rejections, hangs and garbage all become statuses', async () => {
      make({
        defaultTimeoutMs: 50,
        retries: 0,
        checks: [
          {
            name: 'sync',
            check: () => {
              throw new Error('sync');
            },
          },
          { name: 'reject', check: () => Promise.reject(new Error('async')) },
          { name: 'hang', check: () => never<never>() },
          { name: 'garbage', check: () => 'yes' as never },
          healthy('ok'),
        ],
      });
      const pending = service.check();
      await jest.advanceTimersByTimeAsync(50);
      const report = await pending;
      expect(Object.fromEntries(report.components.map((c) => [c.name, c.status]))).toEqual({
        sync: 'unhealthy',
        reject: 'unhealthy',
        hang: 'degraded',
        garbage: 'unhealthy',
        ok: 'healthy',
      });
      expect(report.overall_status).toBe(HealthStatus.UNHEALTHY);
    });

    it('softens a non-critical UNHEALTHY component to a DEGRADED system', async () => {
      make({
        checks: [
          healthy('a'),
          { name: 'b', critical: false, check: () => ({ status: HealthStatus.UNHEALTHY }) },
        ],
      });
      await expect(service.check()).resolves.toMatchObject({ overall_status: 'degraded' });
    });

    it('shares one in-flight evaluation among concurrent callers (single-flight)', async () => {
      const { gate, definition } = gated('slow');
      make({ checks: [definition] });
      const callers = Array.from({ length: 25 }, () => service.check());
      const component = service.checkComponent('slow');
      await jest.advanceTimersByTimeAsync(5);
      gate.release();
      const reports = await Promise.all(callers);
      expect(gate.calls).toBe(1);
      expect(new Set(reports).size).toBe(1);
      await expect(component).resolves.toBe(reports[0].components[0]);
    });

    it('evaluates afresh once the previous run is over, when no TTL is set', async () => {
      let calls = 0;
      make({
        checks: [
          { name: 'x', check: () => ({ status: HealthStatus.HEALTHY, metadata: { n: ++calls } }) },
        ],
      });
      await service.check();
      await service.check();
      await service.checkComponent('x');
      expect(calls).toBe(3);
    });

    it('reuses a result for cacheTtlMs, then runs again', async () => {
      let calls = 0;
      make({
        cacheTtlMs: 1000,
        checks: [
          { name: 'x', check: () => ({ status: HealthStatus.HEALTHY, metadata: { n: ++calls } }) },
        ],
      });
      const first = await service.checkComponent('x');
      await jest.advanceTimersByTimeAsync(999);
      expect(await service.checkComponent('x')).toBe(first);
      expect((await service.check()).components[0]).toBe(first);
      expect(calls).toBe(1);
      await jest.advanceTimersByTimeAsync(1);
      expect((await service.checkComponent('x')).metadata).toEqual({ n: 2 });
    });

    it('serves the last report itself, unpublished, while every result is unchanged in cache', async () => {
      make({ cacheTtlMs: 1000, checks: [healthy('a'), healthy('b')] });
      const published: SystemHealthStatus[] = [];
      service.onReport((r) => void published.push(r));
      const first = await service.check();
      await jest.advanceTimersByTimeAsync(500);
      expect(await service.check()).toBe(first);
      expect(published).toEqual([first]);
      await jest.advanceTimersByTimeAsync(500);
      const fresh = await service.check();
      expect(fresh).not.toBe(first);
      expect(fresh.timestamp).toBe(first.timestamp + 1);
      expect(published).toEqual([first, fresh]);
      // A partial evaluation is never the last full report.
      expect(await service.check({ exclude: ['b'] })).not.toBe(fresh);
    });

    it('reuses a result that is not healthy for failureCacheTtlMs at most, so a recovery shows soon', async () => {
      let status = HealthStatus.UNHEALTHY;
      let calls = 0;
      make({
        checks: [{ name: 'ai', cacheTtlMs: 60_000, check: () => (calls++, { status }) }],
      });
      expect((await service.checkComponent('ai')).status).toBe(HealthStatus.UNHEALTHY);
      status = HealthStatus.HEALTHY;
      await jest.advanceTimersByTimeAsync(4999);
      expect((await service.checkComponent('ai')).status).toBe(HealthStatus.UNHEALTHY);
      await jest.advanceTimersByTimeAsync(1);
      expect((await service.checkComponent('ai')).status).toBe(HealthStatus.HEALTHY);
      // A healthy result keeps the whole TTL.
      await jest.advanceTimersByTimeAsync(59_000);
      await service.checkComponent('ai');
      expect(calls).toBe(2);
      expect(() => make({ components: { ai: { failureCacheTtlMs: -1 } } })).toThrow(
        /components\.ai\.failureCacheTtlMs: -1/,
      );
    });

    it('caches per check: a per-check TTL of 0 beats a module TTL', async () => {
      let calls = 0;
      make({ cacheTtlMs: 1000 });
      service.register({
        name: 'x',
        cacheTtlMs: 0,
        check: () => ({ status: HealthStatus.HEALTHY, metadata: { n: ++calls } }),
      });
      await service.check();
      await service.check();
      expect(calls).toBe(2);
    });
  });

  describe('checkComponent()', () => {
    it('rejects an unknown name with a typed error', async () => {
      make();
      await expect(service.checkComponent('nope')).rejects.toBeInstanceOf(UnknownComponentError);
      await expect(service.checkComponent('nope')).rejects.toMatchObject({
        component: 'nope',
        message: 'Unknown health component "nope"',
      });
    });
  });

  describe('last known status', () => {
    it('is unknown, and so not healthy, before anything ran', () => {
      make({ checks: [healthy('ai_model')] });
      expect(service.getLastStatus('ai_model')).toBeUndefined();
      expect(service.isHealthy('ai_model')).toBe(false);
      expect(service.getLastReport()).toBeUndefined();
    });

    it('follows every finished run without running anything itself', async () => {
      let status = HealthStatus.HEALTHY;
      let calls = 0;
      make({ checks: [{ name: 'ai_model', check: () => (calls++, { status }) }] });
      const report = await service.check();
      expect(service.getLastReport()).toBe(report);
      expect(service.isHealthy('ai_model')).toBe(true);
      status = HealthStatus.DEGRADED;
      await service.checkComponent('ai_model');
      expect(service.isHealthy('ai_model')).toBe(false);
      expect(service.getLastStatus('ai_model')?.status).toBe('degraded');
      expect(calls).toBe(2);
      expect(service.isHealthy('unknown')).toBe(false);
    });

    it('neither records nor announces a run that finishes after its check was removed or replaced', async () => {
      const { gate, definition } = gated('gone');
      make({ checks: [definition] });
      const runs: string[] = [];
      service.onRun((run) => void runs.push(run.status.name));
      const pending = service.checkComponent('gone');
      service.unregister('gone');
      gate.release();
      await pending;
      expect(service.getLastStatus('gone')).toBeUndefined();

      const old = gated('swap');
      service.register(old.definition);
      const stale = service.checkComponent('swap');
      service.register(healthy('swap'), { replace: true });
      old.gate.release();
      await stale;
      expect(runs).toEqual([]);
      expect(service.getLastStatus('swap')).toBeUndefined();
    });
  });

  describe('report subscription', () => {
    it('hands every finished report to subscribers until they unsubscribe', async () => {
      make({ checks: [healthy('a')] });
      const seen: SystemHealthStatus[] = [];
      const unsubscribe = service.onReport((r) => void seen.push(r));
      const first = await service.check();
      await service.checkComponent('a');
      unsubscribe();
      await service.check();
      expect(seen).toEqual([first]);
    });

    it('keeps going when a subscriber throws or rejects, and logs it without secrets', async () => {
      const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      make({ checks: [healthy('a')], secrets: ['hunter2-secret'] });
      const seen: SystemHealthStatus[] = [];
      service.onReport(() => {
        throw new Error('sync listener bug with hunter2-secret');
      });
      service.onReport(() => Promise.reject(new Error('async listener bug')));
      service.onReport(() => {
        throw 'not an error';
      });
      service.onReport((r) => void seen.push(r));
      await expect(service.check()).resolves.toMatchObject({ overall_status: 'healthy' });
      await jest.advanceTimersByTimeAsync(0);
      expect(seen).toHaveLength(1);
      const logged = error.mock.calls.map((c) => String(c[0]));
      expect(logged).toEqual([
        'A health listener failed: sync listener bug with ***',
        'A health listener failed: not an error',
        'A health listener failed: async listener bug',
      ]);
    });
  });

  describe('selections', () => {
    const tagged = (name: string, tags: string[], critical = true) => ({
      ...healthy(name),
      tags,
      critical,
    });

    it('evaluates only the checks selected by tags, criticality and exclusions', async () => {
      make({
        checks: [
          tagged('db', ['ready']),
          tagged('cache', ['ready'], false),
          tagged('ai_model', []),
          tagged('audit', ['ready', 'slow']),
        ],
      });
      const names = async (selection: object) =>
        (await service.check(selection)).components.map((c) => c.name);
      expect(await names({ tags: ['ready'] })).toEqual(['db', 'cache', 'audit']);
      expect(await names({ tags: ['ready'], exclude: ['audit', 'nope'] })).toEqual(['db', 'cache']);
      expect(await names({ criticalOnly: true })).toEqual(['db', 'ai_model', 'audit']);
      expect(await names({ tags: ['slow', 'none'] })).toEqual(['audit']);
      expect(await names({})).toEqual(['db', 'cache', 'ai_model', 'audit']);
      expect(service.hasTag('ready')).toBe(true);
      expect(service.hasTag('live')).toBe(false);
      expect(service.registry.entries.get('cache')?.check).toMatchObject({
        critical: false,
        tags: ['ready'],
      });
      expect(service.registry.entries.get('nope')).toBeUndefined();
    });

    it('shares in-flight runs per selection, and keeps the last full report only', async () => {
      const { gate, definition } = gated('slow');
      make({ checks: [{ ...definition, tags: ['ready'] }, healthy('other')] });
      const infos: boolean[] = [];
      service.onReport((_r, info) => void infos.push(info.full));
      const partial = [service.check({ tags: ['ready'] }), service.check({ tags: ['ready'] })];
      const full = service.check();
      await jest.advanceTimersByTimeAsync(1);
      gate.release();
      const [a, b] = await Promise.all(partial);
      expect(a).toBe(b);
      expect(gate.calls).toBe(1); // the full evaluation joined the same component run
      expect(service.getLastReport()).toBe(await full);
      expect(infos.sort()).toEqual([false, true]);
    });

    it('does not count a partial evaluation as the first full one', async () => {
      make({ checks: [tagged('db', ['ready'])] });
      await service.check({ tags: ['ready'] });
      expect(service.started).toBe(false);
      await service.check();
      expect(service.started).toBe(true);
    });
  });

  describe('run events', () => {
    it('reports every real run with its outcome, and no cache hit', async () => {
      make({
        defaultTimeoutMs: 20,
        retries: 0,
        checks: [
          { ...healthy('cached'), cacheTtlMs: 10_000 },
          { name: 'hang', check: () => never<never>() },
          { name: 'boom', check: () => Promise.reject(new Error('x')) },
          { name: 'junk', check: () => 42 as never },
        ],
      });
      const runs: string[] = [];
      service.onRun((run) => void runs.push(`${run.status.name}:${run.outcome}`));
      for (let i = 0; i < 2; i++) {
        const pending = service.check();
        await jest.advanceTimersByTimeAsync(20);
        await pending;
      }
      expect(runs.sort()).toEqual(
        [
          'boom:error',
          'boom:error',
          'cached:ok',
          'hang:timeout',
          'hang:timeout',
          'junk:invalid',
          'junk:invalid',
        ].sort(),
      );
    });

    it('keeps going when a run listener throws, and stops after unsubscribing', async () => {
      const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      make({ checks: [healthy('a')] });
      let seen = 0;
      service.onRun(() => {
        throw new Error('metrics bug');
      });
      const off = service.onRun(() => void seen++);
      await expect(service.check()).resolves.toMatchObject({ overall_status: 'healthy' });
      off();
      await service.check();
      expect(seen).toBe(1);
      expect(error).toHaveBeenCalledWith('A health listener failed: metrics bug');
    });
  });

  describe('draining', () => {
    it('is off until asked, and on once the module is destroyed', () => {
      make();
      expect(service.isDraining).toBe(false);
      service.startDraining();
      expect(service.isDraining).toBe(true);
      const other = new HealthService({});
      other.onModuleDestroy();
      expect(other.isDraining).toBe(true);
    });
  });

  describe('periodic evaluation', () => {
    it('evaluates at bootstrap and every evaluationIntervalMs, publishing scheduled reports', async () => {
      let runs = 0;
      make({
        evaluationIntervalMs: 1000,
        checks: [{ name: 'a', check: () => (runs++, { status: HealthStatus.HEALTHY }) }],
      });
      const infos: { full: boolean; scheduled: boolean }[] = [];
      service.onReport((_report, info) => void infos.push(info));
      service.onApplicationBootstrap();
      await jest.advanceTimersByTimeAsync(0);
      expect(runs).toBe(1);
      await jest.advanceTimersByTimeAsync(2000);
      expect(runs).toBe(3);
      await service.check();
      await service.check({ tags: ['x'] });
      expect(infos).toEqual([
        { full: true, scheduled: true, settled: true },
        { full: true, scheduled: true, settled: true },
        { full: true, scheduled: true, settled: true },
        { full: true, scheduled: false, settled: true },
        { full: false, scheduled: false, settled: true },
      ]);
      service.onModuleDestroy();
      expect(jest.getTimerCount()).toBe(0);
      await jest.advanceTimersByTimeAsync(5000);
      expect(runs).toBe(4);
    });

    it('counts an evaluation already in flight as the scheduled one when a tick joins it', async () => {
      const { gate, definition } = gated('slow');
      make({ evaluationIntervalMs: 0, checks: [definition] });
      const infos: boolean[] = [];
      service.onReport((_report, { scheduled }) => void infos.push(scheduled));
      const request = service.check();
      const tick = service.tick();
      gate.release();
      expect(await tick).toBe(await request);
      expect(infos).toEqual([true]);
      expect(gate.calls).toBe(1);
    });

    it('runs no periodic evaluation with evaluationIntervalMs 0, and none after shutdown', async () => {
      make({ evaluationIntervalMs: 0, checks: [healthy('a')] });
      service.onApplicationBootstrap();
      await jest.advanceTimersByTimeAsync(0);
      expect(service.started).toBe(true);
      expect(jest.getTimerCount()).toBe(0);
      service.onModuleDestroy();
      expect(await service.tick()).toBeUndefined();
    });
  });

  describe('lifecycle', () => {
    it('warns about enabled components nothing registered, and starts a first evaluation', async () => {
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      make({ enabledComponents: ['ai_model', 'database'], checks: [healthy('ai_model')] });
      service.onApplicationBootstrap();
      expect(warn).toHaveBeenCalledWith('Enabled component "database" has no registered check');
      expect(warn).toHaveBeenCalledTimes(1);
      await jest.advanceTimersByTimeAsync(0);
      expect(service.isHealthy('ai_model')).toBe(true);
    });

    it('on destroy ends in-flight checks at once and leaves no timer behind', async () => {
      make({ checks: [{ name: 'hang', check: () => never<never>() }] });
      const pending = service.check();
      await jest.advanceTimersByTimeAsync(10);
      expect(jest.getTimerCount()).toBeGreaterThan(0);
      service.onModuleDestroy();
      const report = await pending;
      expect(report.components[0].message).toBe('hang check cancelled: shutting down');
      expect(jest.getTimerCount()).toBe(0);
    });

    it('exposes the version, clock and interval it was configured with, and no consumer setting', () => {
      make({
        version: '2.3.4',
        clock: dateClock,
        evaluationIntervalMs: 500,
        secrets: ['hunter22'],
      });
      expect(service.version).toBe('2.3.4');
      expect(service.clock).toBe(dateClock);
      expect(service.evaluationIntervalMs).toBe(500);
      expect('settings' in service).toBe(false);
      expect(service.redactor.text('redis://u:pw@h hunter22')).toBe('redis://u:***@h ***');
      const defaults = new HealthService();
      expect(defaults.version).toBe('1.0.0');
      expect(defaults.evaluationIntervalMs).toBe(10_000);
    });
  });
});
