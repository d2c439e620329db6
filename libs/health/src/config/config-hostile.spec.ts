import fc from 'fast-check';
import {
  anyInput,
  expectPrototypesUntouched,
  MARK,
  patchLike,
  prototypeSnapshot,
  validPatch,
} from '../../../../test/support/config-arbitraries';
import { validateCheckOptions } from '../core/check-options';
import { integer, milliseconds } from '../shared/validate';
import { CacheIndicator } from '../indicators/cache/cache.indicator';
import { HealthConfigurationError } from '../shared/errors';
import type { HealthCheckDefinition } from '../core/health-check';
import type { ConfigChangeEvent } from './config-patch';
import type { HealthConfiguration, TunableDefaultKey } from '../core/check-settings';
import { describeChanges } from './config-patch';
import { TUNABLE_CHECK_KEYS } from '../core/check-settings';
import { HealthStatus } from '../core/health-status';
import { HealthService } from '../core/health.service';
import { HealthConfigService } from './health-config.service';

/**
 * The runtime configuration's doors into the engine (HealthConfigService) (`applyConfiguration`, its dry run
 * `previewConfiguration`, `loadConfigurationFile`, `resetConfiguration`) held against hostile
 * input: nothing pollutes a prototype, nothing but a HealthConfigurationError is thrown, a
 * refusal changes nothing, and readiness never ends up covering no check.
 */

const healthy = () => ({ status: HealthStatus.HEALTHY });
const check = (
  name: string,
  options: Partial<HealthCheckDefinition> = {},
): HealthCheckDefinition => ({
  name,
  check: healthy,
  ...options,
});

let services: HealthService[] = [];
afterEach(() => {
  for (const service of services) service.onModuleDestroy();
  services = [];
});

/**
 * An engine and its runtime configuration: db and cache critical (readiness covers both), queue
 * not; cache has tunable thresholds.
 */
function withEngine(checks: HealthCheckDefinition[] = defaultChecks()): {
  health: HealthService;
  config: HealthConfigService;
} {
  const health = new HealthService({ evaluationIntervalMs: 0, checks });
  services.push(health);
  return { health, config: new HealthConfigService(health) };
}
const engine = (checks?: HealthCheckDefinition[]) => withEngine(checks).config;
const defaultChecks = () => [
  check('db'),
  new CacheIndicator() as HealthCheckDefinition,
  check('queue', { critical: false }),
];

type Door = (service: HealthConfigService, input: unknown) => unknown;
const DOORS: [string, Door][] = [
  ['applyConfiguration', (service, input) => service.applyConfiguration(input)],
  ['previewConfiguration', (service, input) => service.previewConfiguration(input)],
  ['loadConfigurationFile', (service, input) => service.loadConfigurationFile(input)],
];

/** Runs `change` expecting a HealthConfigurationError, and shows that nothing changed. */
function expectRefusedUnchanged(
  service: HealthConfigService,
  change: () => unknown,
  message?: RegExp,
): HealthConfigurationError {
  const before = service.configuration();
  const version = service.version;
  const events: ConfigChangeEvent[] = [];
  const stop = service.onConfigChange((event) => void events.push(event));
  let thrown: unknown;
  try {
    change();
  } catch (error) {
    thrown = error;
  } finally {
    stop();
  }
  expect(thrown).toBeInstanceOf(HealthConfigurationError);
  if (message) expect((thrown as Error).message).toMatch(message);
  expect(service.configuration()).toEqual(before);
  expect(service.version).toBe(version);
  expect(events).toEqual([]);
  return thrown as HealthConfigurationError;
}

const DEFAULT_RULES: Record<TunableDefaultKey, (where: string, value: unknown) => unknown> = {
  timeoutMs: (where, value) => milliseconds(where, value, 1),
  retries: (where, value) => integer(where, value, 0),
  cacheTtlMs: (where, value) => milliseconds(where, value),
  failureCacheTtlMs: (where, value) => milliseconds(where, value),
};

/** The checks readiness covers, read from the effective configuration. */
function readiness(configuration: HealthConfiguration): string[] {
  const active = Object.entries(configuration.checks).filter(
    ([, c]) => c.enabled.value && c.mode.value === 'active',
  );
  const tagged = active.filter(([, c]) => c.tags.value.includes('ready'));
  return (tagged.length > 0 ? tagged : active.filter(([, c]) => c.critical.value)).map(([n]) => n);
}

/** The values of a configuration, without their sources. */
function valuesOf({ version, defaults, checks }: HealthConfiguration): unknown {
  const values = (settings: object) =>
    Object.fromEntries(
      Object.entries(settings).map(([key, setting]) => [
        key,
        (setting as { value: unknown }).value,
      ]),
    );
  return {
    version,
    defaults: values(defaults),
    checks: Object.fromEntries(Object.entries(checks).map(([name, c]) => [name, values(c)])),
  };
}

/** The effective configuration passes the startup validators, and readiness covers a check. */
function expectValidConfiguration(configuration: HealthConfiguration): void {
  for (const [key, { value }] of Object.entries(configuration.defaults)) {
    DEFAULT_RULES[key as TunableDefaultKey](`defaults.${key}`, value);
  }
  for (const [name, values] of Object.entries(configuration.checks)) {
    expect(Object.keys(values).sort()).toEqual([...TUNABLE_CHECK_KEYS].sort());
    const options = Object.fromEntries(
      Object.entries(values).map(([key, { value }]) => [key, value]),
    );
    validateCheckOptions(options, `checks.${name}`);
  }
  expect(readiness(configuration).length).toBeGreaterThan(0);
}

const POISON = [
  '{"checks":{"__proto__":{"critical":false}}}',
  '{"checks":{"__proto__":{"tags":["x"]}}}',
  '{"checks":{"__proto__":null}}',
  '{"checks":{"cache":{"thresholds":{"__proto__":{"x":1}}}}}',
  '{"checks":{"cache":{"thresholds":{"__proto__":1}}}}',
  '{"checks":{"db":{"__proto__":{"critical":false}}}}',
  '{"checks":{"constructor":{"critical":false}}}',
  '{"checks":{"prototype":{"enabled":false}}}',
  '{"__proto__":{"critical":false}}',
  '{"defaults":{"__proto__":{"timeoutMs":1}}}',
  '{"constructor":{"prototype":{"critical":false}}}',
];

describe.each(DOORS)('%s against prototype keys and names every object has', (_door, door) => {
  it.each(POISON)('refuses %s, changes nothing, pollutes nothing', (text) => {
    const service = engine();
    const before = prototypeSnapshot();
    expectRefusedUnchanged(service, () => door(service, JSON.parse(text)));
    expectPrototypesUntouched(before);
    expect(({} as Record<string, unknown>).critical).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'tags')).toBe(false);
    expectValidConfiguration(service.configuration());
  });

  it.each(['toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', 'constructor', '__proto__'])(
    'refuses a check named %s as no component name',
    (name) => {
      const service = engine();
      const input = JSON.parse(`{"checks":{${JSON.stringify(name)}:{"mode":"bogus"}}}`);
      const error = expectRefusedUnchanged(service, () => door(service, input));
      expect(error.setting).toMatch(/^checks\./);
      expect(error.expected).toMatch(/^a component name matching/);
    },
  );
});

describe('names that are not registered checks', () => {
  it('are refused at runtime, in the change and in its dry run', () => {
    const service = engine();
    for (const name of ['valueof', 'tostring', 'ghost']) {
      const patch = { checks: { [name]: { timeoutMs: 5 } } };
      for (const change of [
        () => service.applyConfiguration(patch),
        () => service.previewConfiguration(patch),
      ]) {
        expectRefusedUnchanged(
          service,
          change,
          new RegExp(
            `^Invalid setting checks\\.${name}: "${name}" \\(expected the name of a registered check\\)$`,
          ),
        );
      }
    }
  });

  it('are listed as unregistered from the file, not applied, and apply once registered', () => {
    const { health, config: service } = withEngine();
    const loaded = service.loadConfigurationFile({
      checks: {
        db: { timeoutMs: 50 },
        ghost: { timeoutMs: 70 },
        spirit: { critical: false },
        gone: null,
      },
    });
    expect(loaded.unregistered).toEqual(['ghost', 'spirit']);
    expect(loaded.changes).toEqual([{ path: 'checks.db.timeoutMs', from: 2000, to: 50 }]);
    expect(service.configuration().checks.ghost).toBeUndefined();
    health.register(check('ghost'));
    expect(service.configuration().checks.ghost.timeoutMs).toEqual({ value: 70, source: 'file' });
    // ghost is registered now; spirit still is not, and a name with no values is nothing to list.
    const again = service.loadConfigurationFile({
      checks: { ghost: { timeoutMs: 80 }, spirit: { retries: 1 }, wraith: {} },
    });
    expect(again.unregistered).toEqual(['spirit']);
  });
  // A file layer is kept even when it changes nothing visible yet.
  it('keeps a file that names only checks not registered yet, and applies it once one is', () => {
    const { health, config: service } = withEngine();
    const loaded = service.loadConfigurationFile({ checks: { ghost: { timeoutMs: 70 } } });
    expect(loaded).toMatchObject({ changes: [], unregistered: ['ghost'] });
    health.register(check('ghost'));
    expect(service.configuration().checks.ghost.timeoutMs).toEqual({ value: 70, source: 'file' });
  });
});

describe('the readiness rule, from every door', () => {
  const READINESS_REFUSAL =
    /^Invalid setting checks: this change leaves readiness no check \(expected at least one of db, cache to stay enabled, active, and critical or tagged "ready"\)$/;

  it.each([
    ['every critical check disabled', { db: { enabled: false }, cache: { enabled: false } }],
    ['every critical check in shadow', { db: { mode: 'shadow' }, cache: { mode: 'shadow' } }],
    ['every check non-critical', { db: { critical: false }, cache: { critical: false } }],
    [
      'one of each',
      { db: { enabled: false }, cache: { critical: false }, queue: { mode: 'shadow' } },
    ],
    [
      'a ready tag on a check that is off',
      {
        db: { critical: false },
        cache: { critical: false },
        queue: { tags: ['ready'], enabled: false },
      },
    ],
  ])('refuses %s, saying why', (_what, checks) => {
    for (const [, door] of DOORS) {
      const service = engine();
      expectRefusedUnchanged(service, () => door(service, { checks }), READINESS_REFUSAL);
    }
  });

  it.each([
    ['one critical check left', { db: { enabled: false }, cache: { critical: true } }],
    ['one left active', { db: { mode: 'shadow' } }],
    [
      'a ready-tagged check',
      { db: { critical: false }, cache: { critical: false }, queue: { tags: ['ready'] } },
    ],
    [
      'the non-critical one made critical',
      { db: { enabled: false }, cache: { enabled: false }, queue: { critical: true } },
    ],
  ])('takes a change that keeps %s', (_what, checks) => {
    for (const [, door] of DOORS) {
      const service = engine();
      door(service, { checks });
      expectValidConfiguration(service.configuration());
    }
  });

  it('keeps readiness on the ready-tagged checks: their critical flags no longer matter', () => {
    const service = engine([check('db'), check('queue', { critical: false, tags: ['ready'] })]);
    service.applyConfiguration({ checks: { db: { critical: false, enabled: false } } });
    expect(readiness(service.configuration())).toEqual(['queue']);
    expectRefusedUnchanged(
      service,
      () => service.applyConfiguration({ checks: { queue: { tags: [] } } }),
      /leaves readiness no check \(expected at least one of queue to stay/,
    );
    // With the tag gone from an active check, readiness falls back to critical ones: db again.
    service.applyConfiguration({ checks: { db: null } });
    expect(service.applyConfiguration({ checks: { queue: { tags: [] } } }).changes).toEqual([
      { path: 'checks.queue.tags', from: ['ready'], to: [] },
    ]);
    expect(readiness(service.configuration())).toEqual(['db']);
  });

  it('lets a service whose readiness was empty at startup change other things', () => {
    const service = engine([check('db', { critical: false }), check('queue', { enabled: false })]);
    expect(readiness(service.configuration())).toEqual([]);
    expect(service.applyConfiguration({ checks: { db: { timeoutMs: 100 } } }).version).toBe(2);
    expect(
      service.previewConfiguration({ checks: { queue: { timeoutMs: 10 } } }).changes,
    ).toHaveLength(1);
    expect(service.loadConfigurationFile({ checks: { queue: { retries: 3 } } }).version).toBe(3);
    expect(service.resetConfiguration().version).toBe(4);
    expect(service.version).toBe(4);
  });

  it('refuses a reset that would leave readiness no check, and its dry run the same', () => {
    const service = engine([check('db'), check('cache', { critical: false })]);
    service.applyConfiguration({ checks: { cache: { critical: true } } });
    service.loadConfigurationFile({ checks: { db: { enabled: false } } });
    expect(readiness(service.configuration())).toEqual(['cache']);
    expectRefusedUnchanged(
      service,
      () => service.resetConfiguration(),
      /^Invalid setting checks: this change leaves readiness no check \(expected at least one of cache to stay/,
    );
    expectRefusedUnchanged(service, () =>
      service.previewConfiguration({ checks: { cache: null } }),
    );
    expectRefusedUnchanged(
      service,
      () =>
        service.loadConfigurationFile({
          checks: { db: { enabled: false }, cache: { mode: 'shadow' } },
        }),
      /leaves readiness no check/,
    );
  });
});

describe('the actor of a change', () => {
  const FORGED = 'key:1a2b3c4d\n[Nest] 1  - LOG [HealthConfig] configuration v9 by key:deadbeef: x';

  it.each([
    [
      'a line break',
      FORGED,
      'key:1a2b3c4d[Nest] 1  - LOG [HealthConfig] configuration v9 by key:deadbeef: x',
    ],
    ['a bidirectional override', 'key:\u202e4d3c2b1a', 'key:4d3c2b1a'],
    ['10,000 characters', 'k'.repeat(10_000), `${'k'.repeat(119)}…`],
  ])('is sanitised in the event when it holds %s, from every door', (_what, actor, shown) => {
    const service = engine();
    const events: ConfigChangeEvent[] = [];
    service.onConfigChange((event) => void events.push(event));
    const applied = service.applyConfiguration({ checks: { db: { timeoutMs: 100 } } }, { actor });
    const loaded = service.loadConfigurationFile({ checks: { db: { retries: 3 } } }, { actor });
    const reset = service.resetConfiguration({ actor });
    for (const event of [applied, loaded, reset]) expect(event.actor).toBe(shown);
    expect(events.map((event) => event.actor)).toEqual([shown, shown, shown]);
  });

  it('is left out when nothing printable is left', () => {
    const service = engine();
    const event = service.applyConfiguration(
      { checks: { db: { retries: 4 } } },
      { actor: '\n\u202e ' },
    );
    expect(event).not.toHaveProperty('actor');
  });
});

describe('values from a file are never quoted', () => {
  it('names the kind of what it refuses', () => {
    const service = engine();
    for (const content of [
      { checks: { db: { mode: MARK } } },
      { checks: { db: { thresholds: { x: MARK } } } },
      { defaults: { timeoutMs: `${MARK}-token` } },
      MARK,
      [MARK],
    ]) {
      const error = expectRefusedUnchanged(service, () => service.loadConfigurationFile(content));
      expect(error.message).not.toContain(MARK);
    }
  });
});

describe('property: any sequence of changes through the doors', () => {
  type Step = [op: 'apply' | 'preview' | 'file' | 'reset' | 'applyQuiet', input: unknown];
  const input = fc.oneof(
    { weight: 3, arbitrary: validPatch(['db', 'cache', 'queue', 'ghost']) },
    { weight: 3, arbitrary: patchLike(['db', 'cache', 'queue', 'ghost']) },
    { weight: 1, arbitrary: anyInput },
  );
  const step: fc.Arbitrary<Step> = fc.tuple(
    fc.constantFrom('apply', 'apply', 'preview', 'file', 'reset', 'applyQuiet'),
    input,
  ) as fc.Arbitrary<Step>;

  function run(service: HealthConfigService, [op, value]: Step): ConfigChangeEvent {
    switch (op) {
      case 'apply':
        return service.applyConfiguration(value, { actor: 'key:0000' });
      case 'applyQuiet':
        return service.applyConfiguration(value, { quote: false });
      case 'preview':
        return service.previewConfiguration(value);
      case 'file':
        return service.loadConfigurationFile(value);
      case 'reset':
        return service.resetConfiguration();
    }
  }

  it('leaves the engine changed validly or unchanged, throwing nothing but HealthConfigurationError', () => {
    const seen = { applied: 0, refused: 0 };
    const prototypes = prototypeSnapshot();
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 8 }), (steps) => {
        const service = engine();
        for (const current of steps) {
          const before = service.configuration();
          let event: ConfigChangeEvent;
          try {
            event = run(service, current);
          } catch (error) {
            expect(error).toBeInstanceOf(HealthConfigurationError);
            if (current[0] === 'applyQuiet' || current[0] === 'file') {
              expect((error as Error).message).not.toContain(MARK);
            }
            expect(service.configuration()).toEqual(before);
            seen.refused++;
            continue;
          }
          const after = service.configuration();
          if (current[0] === 'preview') {
            expect(after).toEqual(before);
          } else if (event.changes.length === 0) {
            // No value changed (a value set to what it was may now be pinned by the runtime layer).
            expect(valuesOf(after)).toEqual(valuesOf(before));
          } else {
            expect(after.version).toBe(before.version + 1);
            expect(event.version).toBe(after.version);
            seen.applied++;
          }
          expectValidConfiguration(after);
        }
        expectPrototypesUntouched(prototypes);
      }),
      { numRuns: 200 },
    );
    expect(seen.applied).toBeGreaterThan(20);
    expect(seen.refused).toBeGreaterThan(20);
  });
});

describe('a patch that sets a value to what it already is', () => {
  // The runtime layer now holds it (a fleet pins it on every instance, whatever their files say):
  // announced as a change of source, with a new version, not silently.
  it.each([
    [{ defaults: { retries: 1 } }, 'defaults.retries', 1, 'default'],
    [{ checks: { db: { timeoutMs: 2000 } } }, 'checks.db.timeoutMs', 2000, 'default'],
    [{ checks: { db: { critical: true } } }, 'checks.db.critical', true, 'default'],
  ])('%j is announced as a change of source (%s)', (patch, path, value, source) => {
    const service = engine();
    const event = service.applyConfiguration(patch);
    expect(event.version).toBe(2);
    expect(event.changes).toContainEqual({
      path,
      from: value,
      to: value,
      sources: [source, 'runtime'],
    });
    expect(describeChanges(event.changes)).toContain(
      `${path} ${JSON.stringify(value)} -> ${JSON.stringify(value)} (${source} -> runtime)`,
    );
    // Setting it again changes nothing.
    expect(service.applyConfiguration(patch).changes).toEqual([]);
  });

  // A file layer is kept even when it changes nothing visible yet.
  it('pins it over a later file value, as every runtime value is, until it is dropped', () => {
    const service = engine();
    service.applyConfiguration({ defaults: { retries: 1 } });
    service.loadConfigurationFile({ defaults: { retries: 3 } });
    expect(service.configuration().defaults.retries).toEqual({ value: 1, source: 'runtime' });
    service.applyConfiguration({ defaults: { retries: null } });
    expect(service.configuration().defaults.retries).toEqual({ value: 3, source: 'file' });
  });
});
