import { Logger } from '@nestjs/common';
import type { SystemHealthStatus } from './health-status';
import { HealthStatus } from './health-status';
import { HealthService } from './health.service';
import type { HealthModuleOptions } from '../health.options';
import { TransitionLog } from './transition.log';

const { HEALTHY, DEGRADED, UNHEALTHY } = HealthStatus;

describe('TransitionLog', () => {
  let lines: { level: string; message: unknown }[];
  let state: Record<string, HealthStatus>;
  let settled: boolean;
  let health: HealthService;
  let log: TransitionLog;

  function setUp(options: HealthModuleOptions = {}) {
    state = { cache: HEALTHY, payments: HEALTHY };
    settled = true;
    const moduleOptions: HealthModuleOptions = {
      evaluationIntervalMs: 0,
      secrets: ['hunter22'],
      checks: Object.keys(state).map((name) => ({
        name,
        critical: name !== 'payments',
        settled: () => settled,
        check: () => ({ status: state[name], message: `${name} is ${state[name]}, key hunter22` }),
      })),
      ...options,
    };
    health = new HealthService(moduleOptions);
    log = new TransitionLog(health, moduleOptions);
    log.onModuleInit();
  }

  beforeEach(() => {
    lines = [];
    for (const level of ['log', 'warn', 'error'] as const) {
      jest.spyOn(Logger.prototype, level).mockImplementation(((message: unknown) => {
        lines.push({ level, message });
      }) as never);
    }
  });

  afterEach(() => {
    log.onModuleDestroy();
    health.onModuleDestroy();
    jest.restoreAllMocks();
  });

  it('logs one line per component change and one per overall change, none when nothing changed', async () => {
    setUp();
    await health.check();
    await health.check();
    expect(lines).toEqual([]);
    state.cache = UNHEALTHY;
    await health.check();
    expect(lines).toEqual([
      {
        level: 'error',
        message: expect.stringMatching(
          /^cache: healthy -> unhealthy \(cache is unhealthy, key \*\*\*\) in \d+(\.\d+)? ms$/,
        ),
      },
      { level: 'error', message: 'overall: healthy -> unhealthy' },
    ]);
    lines.length = 0;
    state.cache = HEALTHY;
    state.payments = DEGRADED;
    await health.check();
    expect(lines.map((l) => [l.level, String(l.message).split(' (')[0]])).toEqual([
      ['log', 'cache: unhealthy -> healthy'],
      ['warn', 'payments: healthy -> degraded'],
      ['warn', 'overall: unhealthy -> degraded'],
    ]);
  });

  it('takes the first settled report as the baseline: nothing "recovers" at startup', async () => {
    setUp();
    settled = false;
    state.cache = DEGRADED;
    const infos: boolean[] = [];
    health.onReport((_r, info) => void infos.push(info.settled));
    await health.check();
    state.cache = HEALTHY;
    settled = true;
    await health.check();
    await health.check();
    expect(infos).toEqual([false, true, true]);
    expect(lines).toEqual([]);
    state.cache = DEGRADED;
    await health.check();
    expect(lines.map((l) => String(l.message).split(' (')[0])).toEqual([
      'cache: healthy -> degraded',
      'overall: healthy -> degraded',
    ]);
  });

  it('counts a report as settled only if startup had settled when its checks started', async () => {
    setUp({
      checks: [
        {
          name: 'cache',
          settled: () => settled,
          check: () => ({ status: state.cache }),
        },
        {
          name: 'slow',
          check: () => new Promise((resolve) => setTimeout(() => resolve({ status: HEALTHY }), 30)),
        },
      ],
    });
    settled = false;
    state.cache = DEGRADED;
    const infos: boolean[] = [];
    health.onReport((_r, info) => void infos.push(info.settled));
    const first = health.check();
    // The client connects while the slow check still runs: that report is still no baseline.
    settled = true;
    state.cache = HEALTHY;
    await first;
    await health.check();
    expect(infos).toEqual([false, true]);
    expect(lines).toEqual([]);
  });

  it('logs the fields as an object with logFormat json', async () => {
    setUp({ logFormat: 'json' });
    await health.check();
    state.payments = UNHEALTHY;
    await health.check();
    expect(lines.map((l) => l.message)).toEqual([
      {
        event: 'health.transition',
        component: 'payments',
        from: HEALTHY,
        to: UNHEALTHY,
        message: 'payments is unhealthy, key ***',
        duration_ms: expect.any(Number),
      },
      { event: 'health.transition', component: null, from: HEALTHY, to: DEGRADED },
    ]);
  });

  it('ignores selections, logs nothing when turned off, and refuses bad options', async () => {
    setUp();
    await health.check();
    state.cache = UNHEALTHY;
    await health.check({ tags: ['none'] });
    expect(lines).toEqual([]);
    log.onModuleDestroy();
    setUp({ logTransitions: false });
    await health.check();
    state.cache = UNHEALTHY;
    await health.check();
    expect(lines).toEqual([]);
    expect(() => new TransitionLog(health, { logFormat: 'xml' as never })).toThrow(
      /logFormat: "xml"/,
    );
    expect(() => new TransitionLog(health, { logTransitions: 'yes' as never })).toThrow(
      /logTransitions: "yes"/,
    );
  });

  it('observes reports it is handed directly, too', () => {
    setUp();
    const report = (status: HealthStatus): SystemHealthStatus => ({
      overall_status: status,
      timestamp: 0,
      components: [],
    });
    log.observe(report(HEALTHY), true);
    log.observe(report(DEGRADED), true);
    expect(lines).toEqual([{ level: 'warn', message: 'overall: healthy -> degraded' }]);
  });
});
