import fc from 'fast-check';
import {
  expectPrototypesUntouched,
  hostileKey,
  hostileValue,
  anyInput,
  MARK,
  markedString,
  nested,
  patchLike,
  prototypeSnapshot,
  validPatch,
  VALID_CHECK_VALUE,
} from '../../../../test/support/config-arbitraries';
import { COMPONENT_NAME_EXPECTED } from '../shared/names';
import { MAX_TAGS, MAX_THRESHOLDS, validateCheckOptions } from '../core/check-options';
import { integer, milliseconds } from '../shared/validate';
import { HealthConfigurationError } from '../shared/errors';
import type { ConfigChangeEvent, ConfigLayer, ParsedPatch } from './config-patch';
import type { TunableDefaultKey } from '../core/check-settings';
import {
  describeChanges,
  EMPTY_LAYER,
  layerPatch,
  layerToJson,
  MAX_CONFIG_CHECKS,
  mergePatch,
  parsePatch,
  sameLayer,
  sanitizeActor,
} from './config-patch';
import { TUNABLE_CHECK_KEYS, TUNABLE_DEFAULT_KEYS } from '../core/check-settings';
import { isComponentName } from '../shared/names';
import { HealthStatus } from '../core/health-status';
import { HealthService } from '../core/health.service';
import { HealthConfigService } from './health-config.service';
import { dateClock } from '../testing/clocks';

const { HEALTHY, DEGRADED, UNHEALTHY } = HealthStatus;

describe('HealthConfigService: configuration at runtime', () => {
  let service: HealthService;
  let config: HealthConfigService;
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
    config = new HealthConfigService(service);
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
    const current = config.configuration();
    expect(current.version).toBe(1);
    expect(current.defaults).toMatchObject({
      timeoutMs: { value: 1000, source: 'environment' },
      cacheTtlMs: { value: 60_000, source: 'options' },
      retries: { value: 1, source: 'default' },
    });
    expect(current.checks.db).toMatchObject({
      timeoutMs: { value: 1000, source: 'environment' },
      retries: { value: 0, source: 'options' },
      critical: { value: false, source: 'code' },
      mode: { value: 'active', source: 'default' },
      enabled: { value: true, source: 'default' },
    });
  });

  it('applies a patch from the next evaluation, dropping cached results, and announces it', async () => {
    const events: ConfigChangeEvent[] = [];
    config.onConfigChange((event) => void events.push(event));
    expect((await evaluate()).status).toBe(HEALTHY);
    const event = config.applyConfiguration(
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
    expect(config.configuration().checks.db.timeoutMs).toEqual({ value: 100, source: 'runtime' });
  });

  it('changes a default for every check without its own value, and null takes it back', async () => {
    config.applyConfiguration({ defaults: { timeoutMs: 200 } });
    expect(config.configuration().checks.db.timeoutMs).toEqual({ value: 200, source: 'runtime' });
    expect((await evaluate()).status).toBe(DEGRADED);
    config.applyConfiguration({ defaults: { timeoutMs: null } });
    expect(config.configuration().checks.db.timeoutMs.source).toBe('environment');
    expect(config.configuration().version).toBe(3);
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
    const before = config.configuration();
    expect(() => config.applyConfiguration(patch)).toThrow(HealthConfigurationError);
    expect(() => config.applyConfiguration(patch)).toThrow(message);
    expect(config.configuration()).toEqual(before);
  });

  it('is not blocked by a runtime value left for a check since unregistered', () => {
    service.register({ name: 'cache', check: () => ({ status: HEALTHY }) });
    config.applyConfiguration({ checks: { cache: { timeoutMs: 300 } } });
    service.unregister('cache');
    expect(config.applyConfiguration({ checks: { db: { timeoutMs: 400 } } }).version).toBe(3);
    expect(() => config.applyConfiguration({ checks: { cache: { timeoutMs: 5 } } })).toThrow(
      /checks\.cache/,
    );
  });

  it('bumps nothing for a patch that changes nothing, and resets to the other sources', () => {
    // Pinning a value at runtime that the options already give is a change of its source only.
    expect(config.applyConfiguration({ checks: { db: { retries: 0 } } }).changes).toEqual([
      { path: 'checks.db.retries', from: 0, to: 0, sources: ['options', 'runtime'] },
    ]);
    expect(config.applyConfiguration({ checks: { db: { retries: 0 } } }).changes).toEqual([]);
    expect(config.configuration().version).toBe(2);
    config.applyConfiguration({ checks: { db: { mode: 'shadow', enabled: false } } });
    const reset = config.resetConfiguration();
    expect(reset.changes.map((c) => c.path)).toEqual([
      'checks.db.retries',
      'checks.db.enabled',
      'checks.db.mode',
    ]);
    expect(config.configuration().checks.db.mode).toEqual({ value: 'active', source: 'default' });
  });
});

// --- The parser of every door's patch, and the layers it builds -----------------------------

/** As a request body, a file or a fleet message hands it over: `__proto__` is an own key. */
const json = (text: string): unknown => JSON.parse(text);
const read = (input: unknown, quote = true): ParsedPatch => parsePatch(input, { quote });
const layerOf = (input: unknown, base: ConfigLayer = EMPTY_LAYER): ConfigLayer =>
  mergePatch(base, read(input));

/** The refusal `parsePatch` throws for `input`; fails the test if it accepts it. */
function refusal(input: unknown, quote = true): HealthConfigurationError {
  let parsed: ParsedPatch;
  try {
    parsed = read(input, quote);
  } catch (error) {
    expect(error).toBeInstanceOf(HealthConfigurationError);
    return error as HealthConfigurationError;
  }
  throw new Error(`accepted: ${JSON.stringify(layerToJson(mergePatch(EMPTY_LAYER, parsed)))}`);
}

const DEFAULT_RULES: Record<TunableDefaultKey, (where: string, value: unknown) => unknown> = {
  timeoutMs: (where, value) => milliseconds(where, value, 1),
  retries: (where, value) => integer(where, value, 0),
  cacheTtlMs: (where, value) => milliseconds(where, value),
  failureCacheTtlMs: (where, value) => milliseconds(where, value),
};

/**
 * What every layer must be: allow-listed keys only, values that pass the startup validators,
 * frozen null-prototype objects (nothing answers to a name it was not given).
 */
function expectValidLayer(layer: ConfigLayer): void {
  expect(Object.getPrototypeOf(layer.defaults)).toBeNull();
  expect(Object.isFrozen(layer.defaults)).toBe(true);
  for (const [key, value] of Object.entries(layer.defaults)) {
    expect(TUNABLE_DEFAULT_KEYS).toContain(key);
    DEFAULT_RULES[key as TunableDefaultKey](`defaults.${key}`, value);
  }
  expect(layer.checks).toBeInstanceOf(Map);
  for (const [name, options] of layer.checks) {
    expect(isComponentName(name)).toBe(true);
    expect(Object.getPrototypeOf(options)).toBeNull();
    expect(Object.isFrozen(options)).toBe(true);
    expect(Object.keys(options).length).toBeGreaterThan(0);
    for (const key of Object.keys(options)) expect(TUNABLE_CHECK_KEYS).toContain(key);
    validateCheckOptions(options, `checks.${name}`);
    if (options.thresholds !== undefined) {
      expect(Object.getPrototypeOf(options.thresholds)).toBeNull();
      expect(Object.isFrozen(options.thresholds)).toBe(true);
      expect(Object.keys(options.thresholds).length).toBeGreaterThan(0);
    }
    if (options.tags !== undefined) expect(Object.isFrozen(options.tags)).toBe(true);
  }
}

describe('parsePatch: what it refuses', () => {
  it.each([
    ['{"other":1}', /^Invalid setting other: 1 \(expected only the keys defaults and checks\)$/],
    ['{"__proto__":{"critical":false}}', /^Invalid setting __proto__: .*only the keys defaults/],
    ['{"constructor":{}}', /^Invalid setting constructor: .*only the keys defaults/],
    ['{"toString":1}', /^Invalid setting toString: 1 .*only the keys defaults/],
    ['{"Checks":{}}', /^Invalid setting Checks: /],
  ])('an unknown top-level key: %s', (text, message) => {
    expect(refusal(json(text)).message).toMatch(message);
  });

  it.each([
    ['{"checks":{"db":{"colour":"red"}}}', 'checks.db.colour'],
    ['{"checks":{"db":{"__proto__":{"x":1}}}}', 'checks.db.__proto__'],
    ['{"checks":{"db":{"constructor":1}}}', 'checks.db.constructor'],
    ['{"checks":{"db":{"toString":null}}}', 'checks.db.toString'],
    ['{"checks":{"db":{"abortable":true}}}', 'checks.db.abortable'],
    ['{"checks":{"db":{"TimeoutMs":5}}}', 'checks.db.TimeoutMs'],
    ['{"defaults":{"__proto__":1}}', 'defaults.__proto__'],
    ['{"defaults":{"retryBaseDelayMs":5}}', 'defaults.retryBaseDelayMs'],
    ['{"defaults":{"critical":null}}', 'defaults.critical'],
  ])('an unknown key of a check or of defaults, even set to null: %s', (text, setting) => {
    const error = refusal(json(text));
    expect(error.setting).toBe(setting);
    expect(error.expected).toMatch(/^one of timeoutMs, /);
  });

  const BAD_NAMES = [
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    'valueOf',
    'DB',
    'Db',
    'a'.repeat(65),
    '',
    'db.x',
    'db ',
    'dé',
    '../db',
  ];
  it.each(BAD_NAMES)('a check name that is not a component name: %j', (name) => {
    for (const settings of [{}, null, { timeoutMs: 5 }, { critical: false }]) {
      const input = json(`{"checks":{${JSON.stringify(name)}:${JSON.stringify(settings)}}}`);
      const error = refusal(input);
      expect(error.expected).toBe(COMPONENT_NAME_EXPECTED);
      expect(error.value).toBe(name);
    }
  });

  it('takes a name of 64 characters, and names that merely look like prototype names', () => {
    const long = 'a'.repeat(64);
    expect([...read({ checks: { [long]: { timeoutMs: 5 } } }).checks.keys()]).toEqual([long]);
    expect([...read({ checks: { tostring: {}, proto: {}, _proto_: null } }).checks.keys()]).toEqual(
      ['tostring', 'proto', '_proto_'],
    );
  });

  it.each([
    [1, 'patch'],
    ['{}', 'patch'],
    [true, 'patch'],
    [null, 'patch'],
    [undefined, 'patch'],
    [[], 'patch'],
    [[{ checks: {} }], 'patch'],
    [{ checks: 1 }, 'checks'],
    [{ checks: [] }, 'checks'],
    [{ checks: [{ db: {} }] }, 'checks'],
    [{ checks: null }, 'checks'],
    [{ checks: 'db' }, 'checks'],
    [{ defaults: null }, 'defaults'],
    [{ defaults: [] }, 'defaults'],
    [{ defaults: 5 }, 'defaults'],
    [{ checks: { db: [] } }, 'checks.db'],
    [{ checks: { db: 'x' } }, 'checks.db'],
    [{ checks: { db: 0 } }, 'checks.db'],
    [{ checks: { db: false } }, 'checks.db'],
    [{ checks: { db: { thresholds: [] } } }, 'checks.db.thresholds'],
    [{ checks: { db: { thresholds: [1] } } }, 'checks.db.thresholds'],
    [{ checks: { db: { thresholds: 1 } } }, 'checks.db.thresholds'],
    [{ checks: { db: { thresholds: 'minHitRatio' } } }, 'checks.db.thresholds'],
  ])('a value of the wrong kind where an object belongs: %j', (input, setting) => {
    expect(refusal(input).setting).toBe(setting);
  });

  it.each([
    ['a Map', new Map([['checks', {}]]), 'patch'],
    ['a Date', new Date(0), 'patch'],
    [
      'a class instance',
      new (class Patch {
        checks = {};
      })(),
      'patch',
    ],
    ['an object inheriting its keys', Object.create({ checks: {} }) as unknown, 'patch'],
    ['checks as a Map', { checks: new Map([['db', { timeoutMs: 5 }]]) }, 'checks'],
    ['a check as a Date', { checks: { db: new Date(0) } }, 'checks.db'],
    [
      'a check as a class instance',
      {
        checks: {
          db: new (class S {
            timeoutMs = 5;
          })(),
        },
      },
      'checks.db',
    ],
    [
      'defaults inheriting a key',
      { defaults: Object.create({ timeoutMs: 5 }) as unknown },
      'defaults',
    ],
    [
      'thresholds as a Map',
      { checks: { db: { thresholds: new Map([['x', 1]]) } } },
      'checks.db.thresholds',
    ],
    [
      'a boxed number',
      { checks: { db: { timeoutMs: Object(5) as unknown } } },
      'checks.db.timeoutMs',
    ],
    ['a function', { checks: { db: () => ({}) } }, 'checks.db'],
  ])('values in an object that is not plain: %s', (_kind, input, setting) => {
    expect(refusal(input).setting).toBe(setting);
  });

  it('takes null-prototype objects at every level, as a YAML or JSON reader may build them', () => {
    const bare = <T extends object>(values: T): T =>
      Object.assign(Object.create(null) as T, values);
    const input = bare({
      defaults: bare({ retries: 2 }),
      checks: bare({ db: bare({ timeoutMs: 5, thresholds: bare({ x: 1 }) }) }),
    });
    expect(layerToJson(layerOf(input))).toEqual({
      defaults: { retries: 2 },
      checks: { db: { timeoutMs: 5, thresholds: { x: 1 } } },
    });
  });

  it('refuses more than 256 checks, 32 tags or 32 thresholds, and takes exactly that many', () => {
    const names = (n: number) => Array.from({ length: n }, (_, i) => `c${i}`);
    const checks = (n: number) =>
      Object.fromEntries(names(n).map((name) => [name, { retries: 1 }]));
    expect(read({ checks: checks(MAX_CONFIG_CHECKS) }).checks.size).toBe(256);
    expect(refusal({ checks: checks(MAX_CONFIG_CHECKS + 1) }).message).toMatch(
      /^Invalid setting checks: an object \(expected at most 256 checks\)$/,
    );
    const tags = (n: number) => ({ checks: { db: { tags: names(n) } } });
    expect(layerOf(tags(MAX_TAGS)).checks.get('db')?.tags).toHaveLength(32);
    expect(refusal(tags(MAX_TAGS + 1)).message).toMatch(
      /^Invalid setting checks\.db\.tags: an array of 33 items \(expected an array of at most 32 tags/,
    );
    const limits = (n: number) => ({
      checks: { db: { thresholds: Object.fromEntries(names(n).map((name) => [name, 1])) } },
    });
    expect(Object.keys(layerOf(limits(MAX_THRESHOLDS)).checks.get('db')!.thresholds!)).toHaveLength(
      32,
    );
    expect(refusal(limits(MAX_THRESHOLDS + 1)).message).toMatch(
      /^Invalid setting checks\.db\.thresholds: an object \(expected at most 32 thresholds\)$/,
    );
  });

  it.each([
    ['a b'],
    [''],
    ['dé'],
    ['a\nb'],
    ['a,b'],
    ['<script>'],
    ['x'.repeat(65)],
    ['\u202e'],
    [1],
    [null],
    [['nested']],
  ])('a tag with a character or a kind not allowed: %j', (tag) => {
    expect(refusal({ checks: { db: { tags: ['ok', tag] } } }).setting).toBe('checks.db.tags');
  });

  it('takes tags of 1 to 64 characters of A-Z a-z 0-9 _ . : / -', () => {
    const tags = ['ready', 'x'.repeat(64), 'Team:core/db-1_2.3'];
    expect(layerOf({ checks: { db: { tags } } }).checks.get('db')?.tags).toEqual(tags);
  });

  it.each([
    ['{"checks":{"db":{"thresholds":{"__proto__":1}}}}', 'checks.db.thresholds'],
    ['{"checks":{"db":{"thresholds":{"__proto__":{"x":1}}}}}', 'checks.db.thresholds'],
    ['{"checks":{"db":{"thresholds":{"1x":1}}}}', 'checks.db.thresholds'],
    ['{"checks":{"db":{"thresholds":{"a-b":1}}}}', 'checks.db.thresholds'],
    ['{"checks":{"db":{"thresholds":{"":1}}}}', 'checks.db.thresholds'],
    ['{"checks":{"db":{"thresholds":{"minHitRatio":"0.5"}}}}', 'checks.db.thresholds.minHitRatio'],
    ['{"checks":{"db":{"thresholds":{"minHitRatio":{}}}}}', 'checks.db.thresholds.minHitRatio'],
    ['{"checks":{"db":{"thresholds":{"minHitRatio":[1]}}}}', 'checks.db.thresholds.minHitRatio'],
  ])('a threshold with a bad name or value: %s', (text, setting) => {
    expect(refusal(json(text)).setting).toBe(setting);
  });

  it('keeps a threshold named like a method of Object as an own value, touching no prototype', () => {
    const before = prototypeSnapshot();
    const layer = layerOf(json('{"checks":{"db":{"thresholds":{"constructor":1,"toString":2}}}}'));
    const thresholds = layer.checks.get('db')!.thresholds!;
    expect(Object.getPrototypeOf(thresholds)).toBeNull();
    expect({ ...thresholds }).toEqual({ constructor: 1, toString: 2 });
    expectPrototypesUntouched(before);
  });

  it.each([
    [{ defaults: { timeoutMs: 0 } }, 'defaults.timeoutMs'],
    [{ defaults: { timeoutMs: 1.5 } }, 'defaults.timeoutMs'],
    [{ defaults: { timeoutMs: 2 ** 31 } }, 'defaults.timeoutMs'],
    [{ defaults: { timeoutMs: '100' } }, 'defaults.timeoutMs'],
    [{ defaults: { retries: -1 } }, 'defaults.retries'],
    [{ defaults: { retries: 1.5 } }, 'defaults.retries'],
    [{ defaults: { cacheTtlMs: -1 } }, 'defaults.cacheTtlMs'],
    [{ checks: { db: { timeoutMs: 1.5 } } }, 'checks.db.timeoutMs'],
    [{ checks: { db: { timeoutMs: Number.MAX_SAFE_INTEGER + 2 } } }, 'checks.db.timeoutMs'],
    [{ checks: { db: { failuresBeforeUnhealthy: 0 } } }, 'checks.db.failuresBeforeUnhealthy'],
    [{ checks: { db: { critical: 'false' } } }, 'checks.db.critical'],
    [{ checks: { db: { enabled: 0 } } }, 'checks.db.enabled'],
    [{ checks: { db: { mode: 'toString' } } }, 'checks.db.mode'],
    [{ checks: { db: { timeoutStatus: 'down' } } }, 'checks.db.timeoutStatus'],
  ])('a value the startup rules refuse: %j', (input, setting) => {
    expect(refusal(input).setting).toBe(setting);
  });

  it('reads 1e3 as the whole number it is', () => {
    expect(layerOf(json('{"checks":{"db":{"timeoutMs":1e3}}}')).checks.get('db')?.timeoutMs).toBe(
      1000,
    );
  });
});

describe('parsePatch: null removes, at each level', () => {
  const full = layerOf({
    defaults: { timeoutMs: 500, retries: 2 },
    checks: {
      db: { timeoutMs: 5, tags: ['a'], thresholds: { minHitRatio: 0.5, maxKeys: 3 } },
      cache: { critical: false },
    },
  });

  type Json = ReturnType<typeof layerToJson>;
  it.each<[unknown, (expected: Json) => void]>([
    [{ defaults: { timeoutMs: null } }, (j) => delete j.defaults.timeoutMs],
    [{ checks: { cache: null } }, (j) => delete j.checks.cache],
    [{ checks: { db: { tags: null } } }, (j) => delete j.checks.db?.tags],
    [{ checks: { db: { thresholds: null } } }, (j) => delete j.checks.db?.thresholds],
    [
      { checks: { db: { thresholds: { maxKeys: null } } } },
      (j) => (j.checks.db!.thresholds = { minHitRatio: 0.5 }),
    ],
    [{ checks: { cache: { critical: null } } }, (j) => delete j.checks.cache],
    [{ checks: { ghost: null } }, () => undefined],
  ])('%j', (patch, change) => {
    const expected = structuredClone(layerToJson(full));
    change(expected);
    const after = layerOf(patch, full);
    expect(layerToJson(after)).toEqual(expected);
    expectValidLayer(after);
  });

  it('removes the last threshold, then the thresholds, then the check itself', () => {
    let layer = layerOf({ checks: { db: { retries: 1, thresholds: { x: 1 } } } });
    layer = layerOf({ checks: { db: { thresholds: { x: null } } } }, layer);
    expect(layerToJson(layer).checks).toEqual({ db: { retries: 1 } });
    layer = layerOf({ checks: { db: { retries: null } } }, layer);
    expect(layer.checks.size).toBe(0);
  });
});

describe('parsePatch with quote: false (a file, a fleet message)', () => {
  it.each([
    [`{"defaults":{"timeoutMs":"${MARK}"}}`, 'defaults.timeoutMs: a string of 10 characters'],
    [`{"defaults":"${MARK}"}`, 'defaults: a string of 10 characters'],
    [`"${MARK}"`, 'patch: a string of 10 characters'],
    [`["${MARK}"]`, 'patch: an array of 1 items'],
    [`{"checks":{"db":"${MARK}"}}`, 'checks.db: a string of 10 characters'],
    [`{"checks":{"db":{"mode":"${MARK}"}}}`, 'checks.db.mode: a string of 10 characters'],
    [`{"checks":{"db":{"tags":["${MARK}x y"]}}}`, 'checks.db.tags: an array of 1 items'],
    [`{"checks":{"db":{"critical":"${MARK}"}}}`, 'checks.db.critical: a string of 10 characters'],
    [`{"checks":{"db":{"thresholds":{"x":"${MARK}"}}}}`, 'checks.db.thresholds.x: a string'],
    [`{"checks":{"db":{"thresholds":"${MARK}"}}}`, 'checks.db.thresholds: a string'],
    [`{"checks":{"db":{"colour":"${MARK}"}}}`, 'checks.db.colour: a string of 10 characters'],
    [`{"checks":{"db":{"colour":{"a":"${MARK}"}}}}`, 'checks.db.colour: an object'],
    [`{"other":["${MARK}"]}`, 'other: an array of 1 items'],
    [`{"checks":{"${MARK} x":{}}}`, 'checks.(a key that is not a name): a string of 12 characters'],
  ])('names the kind, never the value: %s', (text, shown) => {
    const error = refusal(json(text), false);
    expect(error.message).toContain(shown);
    expect(error.message).not.toContain(MARK);
    // The same input through a door that may quote shows what was sent.
    expect(refusal(json(text), true).message).toContain(MARK);
  });
});

describe('parsePatch on huge and deep values', () => {
  let huge: string[] | undefined;
  /** 100,000 items, built once for the few cases that need them. */
  const hugeArray = () => (huge ??= Array.from({ length: 100_000 }, (_, i) => `t${i}`));

  it.each([
    ['as the patch', () => hugeArray(), 'patch: an array of 100000 items'],
    ['as checks', () => ({ checks: hugeArray() }), 'checks: an array of 100000 items'],
    ['as tags', () => ({ checks: { db: { tags: hugeArray() } } }), 'tags: an array of 100000'],
    ['as a value', () => ({ checks: { db: { timeoutMs: hugeArray() } } }), 'an array of 100000'],
    [
      'as 100,000 checks',
      () => ({ checks: Object.fromEntries(hugeArray().map((n) => [n, null])) }),
      'checks: an object (expected at most 256 checks)',
    ],
    [
      'as 100,000 thresholds',
      () => ({
        checks: { db: { thresholds: Object.fromEntries(hugeArray().map((n) => [n, 1])) } },
      }),
      'thresholds: an object (expected at most 32 thresholds)',
    ],
  ])('refuses 100,000 items %s in one short line', (_where, input, shown) => {
    for (const quote of [true, false]) {
      const error = refusal(input(), quote);
      expect(error.message).toContain(shown);
      expect(error.message.length).toBeLessThan(300);
    }
  });

  it('refuses a huge array in JSON text too', () => {
    const text = `{"checks":{"db":{"tags":[${'"a",'.repeat(99_999)}"a"]}}}`;
    expect(refusal(json(text), false).message).toContain('an array of 100000 items');
  });

  /** Where a deep value is put: at the root, and at each level of a patch. */
  const PLACES: [string, (deep: unknown) => unknown][] = [
    ['patch', (deep) => deep],
    ['defaults', (deep) => ({ defaults: deep })],
    ['defaults.timeoutMs', (deep) => ({ defaults: { timeoutMs: deep } })],
    ['checks', (deep) => ({ checks: deep })],
    ['checks.db', (deep) => ({ checks: { db: deep } })],
    ['checks.db.tags', (deep) => ({ checks: { db: { tags: deep } } })],
    ['checks.db.thresholds', (deep) => ({ checks: { db: { thresholds: deep } } })],
    ['checks.db.thresholds.x', (deep) => ({ checks: { db: { thresholds: { x: deep } } } })],
    ['checks.db.colour', (deep) => ({ checks: { db: { colour: deep } } })],
  ];

  it('refuses 5,000 levels of nesting in thresholds (30 KB) with an error, not a RangeError', () => {
    const text = `{"checks":{"db":{"thresholds":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}}}`;
    for (const quote of [true, false]) {
      expect(refusal(json(text), quote).message).toMatch(
        /^Invalid setting checks\.db\.thresholds\.a: an object \(expected a number\)$/,
      );
    }
  });

  it('property: any depth of objects or arrays, anywhere, is refused by a short error', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20_000 }),
        fc.constantFrom('object', 'array'),
        fc.constantFrom('x', '__proto__', 'constructor', 'timeoutMs', 'checks'),
        fc.constantFrom(...PLACES),
        fc.boolean(),
        (depth, container, key, [, place], quote) => {
          const error = refusal(place(nested(depth, container, key, `${MARK} !`)), quote);
          expect(error.message.length).toBeLessThan(400);
          if (!quote) expect(error.message).not.toContain(MARK);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('parsePatch: properties over arbitrary input', () => {
  it('the prototype guard the properties use sees a pollution (it is not vacuous)', () => {
    const before = prototypeSnapshot();
    const prototype = Object.prototype as Record<string, unknown>;
    prototype.critical = false;
    try {
      expect(() => expectPrototypesUntouched(before)).toThrow(/critical/);
    } finally {
      delete prototype.critical;
    }
    expectPrototypesUntouched(before);
  });

  /** The one outcome allowed: a valid layer, or a HealthConfigurationError that quotes nothing when it may not. */
  function outcome(input: unknown, quote: boolean): 'accepted' | 'refused' {
    let parsed: ParsedPatch;
    try {
      parsed = read(input, quote);
    } catch (error) {
      expect(error).toBeInstanceOf(HealthConfigurationError);
      const { message } = error as HealthConfigurationError;
      expect(message).toMatch(/^Invalid setting [^\n]+$/);
      expect(message.length).toBeLessThan(600);
      if (!quote) expect(message).not.toContain(MARK);
      return 'refused';
    }
    expectValidLayer(mergePatch(EMPTY_LAYER, parsed));
    return 'accepted';
  }

  it.each([
    ['patch-shaped and hostile values', anyInput],
    ['fc.jsonValue()', fc.jsonValue()],
    ['dictionaries of hostile keys', fc.dictionary(hostileKey, hostileValue, { maxKeys: 6 })],
    [
      'checks of hostile names',
      fc.dictionary(hostileKey, hostileValue, { maxKeys: 6 }).map((checks) => ({ checks })),
    ],
  ])(
    'property: %s give a valid layer or a HealthConfigurationError, touching no prototype',
    (_kind, inputs) => {
      const seen = { accepted: 0, refused: 0 };
      const before = prototypeSnapshot();
      fc.assert(
        fc.property(inputs, fc.boolean(), (input, quote) => {
          seen[outcome(input, quote)]++;
          // The same value as a door gets it: JSON text, `__proto__` an own key.
          const text = JSON.stringify(input);
          if (text !== undefined) seen[outcome(JSON.parse(text), quote)]++;
          expectPrototypesUntouched(before);
        }),
        { numRuns: 300 },
      );
      expect(seen.refused).toBeGreaterThan(0);
    },
  );

  it('property: patch-shaped input is often accepted (the property above is not vacuous)', () => {
    const seen = { accepted: 0, refused: 0 };
    fc.assert(
      fc.property(patchLike(), (input) => {
        seen[outcome(input, true)]++;
      }),
      { numRuns: 300 },
    );
    expect(seen.accepted).toBeGreaterThan(30);
    expect(seen.refused).toBeGreaterThan(30);
  });

  it('property: with quote false, no error shows a value planted with the marker', () => {
    const planted = fc.oneof(
      patchLike(),
      fc.constantFrom(...PLANT_SITES).chain((site) => markedString.map(site)),
    );
    fc.assert(
      fc.property(planted, (input) => {
        try {
          read(input, false);
        } catch (error) {
          expect((error as Error).message).not.toContain(MARK);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('property: a valid patch is always accepted, and merged gives a valid layer', () => {
    fc.assert(
      fc.property(validPatch(), validPatch(), (first, second) => {
        const layer = layerOf(second, layerOf(first));
        expectValidLayer(layer);
      }),
      { numRuns: 300 },
    );
  });
});

/** Every place a value sits in a patch, as a function of that value. */
const PLANT_SITES: ((value: string) => unknown)[] = [
  (value) => value,
  (value) => [value],
  (value) => ({ defaults: value }),
  (value) => ({ defaults: { timeoutMs: value } }),
  (value) => ({ defaults: { retries: [value] } }),
  (value) => ({ checks: value }),
  (value) => ({ checks: { db: value } }),
  (value) => ({ checks: { db: { mode: value } } }),
  (value) => ({ checks: { db: { tags: [value] } } }),
  (value) => ({ checks: { db: { tags: ['ok', value, 'ok'] } } }),
  (value) => ({ checks: { db: { critical: { x: value } } } }),
  (value) => ({ checks: { db: { thresholds: value } } }),
  (value) => ({ checks: { db: { thresholds: { x: value } } } }),
  (value) => ({ checks: { db: { thresholds: { x: [value] } } } }),
  (value) => ({ checks: { db: { colour: value } } }),
  (value) => ({ other: value }),
  (value) => json(`{"checks":{"db":{"__proto__":${JSON.stringify(value)}}}}`),
];

describe('layerToJson and layerPatch', () => {
  const validLayer = fc
    .array(validPatch(), { minLength: 1, maxLength: 3 })
    .map((patches) =>
      patches.reduce<ConfigLayer>((layer, patch) => layerOf(patch, layer), EMPTY_LAYER),
    );

  it('property: a layer read back from its JSON is the same layer', () => {
    fc.assert(
      fc.property(validLayer, (layer) => {
        const again = layerOf(layerToJson(layer));
        expect(sameLayer(again, layer)).toBe(true);
        const throughText = layerOf(JSON.parse(JSON.stringify(layerToJson(layer))));
        expect(sameLayer(throughText, layer)).toBe(true);
        expectValidLayer(throughText);
      }),
      { numRuns: 300 },
    );
  });

  it('gives every key in order, as plain data', () => {
    const layer = layerOf({
      checks: {
        db: { tags: ['x'], critical: false, thresholds: { b: 2, a: 1 } },
        cache: { retries: 1 },
      },
      defaults: { timeoutMs: 5, cacheTtlMs: 0 },
    });
    expect(JSON.stringify(layerToJson(layer))).toBe(
      '{"defaults":{"cacheTtlMs":0,"timeoutMs":5},"checks":{"cache":{"retries":1},"db":{"critical":false,"tags":["x"],"thresholds":{"a":1,"b":2}}}}',
    );
  });

  it('property: layerPatch(a, b) applied to a gives b, for layers without thresholds', () => {
    const withoutThresholds = validLayer.map((layer) =>
      layerOf(
        {
          checks: Object.fromEntries(
            [...layer.checks.keys()].map((name) => [name, { thresholds: null }]),
          ),
        },
        layer,
      ),
    );
    fc.assert(
      fc.property(withoutThresholds, withoutThresholds, (a, b) => {
        const patch = layerPatch(a, b);
        expect(sameLayer(mergePatch(a, read(patch)), b)).toBe(true);
        expect(sameLayer(mergePatch(a, read(JSON.parse(JSON.stringify(patch)))), b)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('gives an empty patch between equal layers, and null for what is gone', () => {
    const a = layerOf({ defaults: { retries: 2 }, checks: { db: { timeoutMs: 5, tags: ['x'] } } });
    expect(layerPatch(a, a)).toEqual({ defaults: {}, checks: {} });
    expect(layerPatch(a, EMPTY_LAYER)).toEqual({
      defaults: { retries: null },
      checks: { db: null },
    });
    const b = layerOf({ checks: { db: { tags: null, critical: false } } }, a);
    expect(layerPatch(a, b)).toEqual({
      defaults: {},
      checks: { db: { tags: null, critical: false } },
    });
  });
});

/** Control, bidirectional and invisible format characters: what may not be in a log line. */
const UNPRINTABLE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/;

describe('sanitizeActor', () => {
  it.each([
    ['key:1a2b3c4d', 'key:1a2b3c4d'],
    ['  /etc/health.json  ', '/etc/health.json'],
    [
      'key:1\n[Nest] 1 LOG [HealthConfig] configuration v9 by key:deadbeef',
      'key:1[Nest] 1 LOG [HealthConfig] configuration v9 by key:deadbeef',
    ],
    ['evil\u202etxt.exe', 'eviltxt.exe'],
    ['a\u200bb\u2066c\u2069d\ufeffe\u061cf', 'abcdef'],
    ['\u001b[31mred\u001b[0m', '[31mred[0m'],
    ['a\rb\u2028c\u0085d', 'abcd'],
  ])('%j -> %j', (actor, shown) => {
    expect(sanitizeActor(actor)).toBe(shown);
  });

  it.each([[undefined], [null], [42], [{}], [['key:1']], [''], ['   '], ['\n\u202e\u200b']])(
    'gives undefined for %j',
    (actor) => {
      expect(sanitizeActor(actor)).toBeUndefined();
    },
  );

  it('cuts 10,000 characters to 120', () => {
    const shown = sanitizeActor('k'.repeat(10_000))!;
    expect(shown).toHaveLength(120);
    expect(shown.endsWith('…')).toBe(true);
  });

  it('property: one printable line of at most 120 characters, or undefined', () => {
    const actor = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.string({
        unit: fc.constantFrom(
          'a',
          ' ',
          '\n',
          '\r',
          '\u202e',
          '\u2066',
          '\u0000',
          '\u001b',
          '\u200b',
          '\u2028',
          '\u0085',
          '\ufeff',
        ),
        maxLength: 300,
      }),
    );
    fc.assert(
      fc.property(actor, (value) => {
        const shown = sanitizeActor(value);
        if (shown === undefined) {
          // Only a value with nothing printable in it shows as no actor.
          expect(value.replace(new RegExp(UNPRINTABLE, 'g'), '').trim()).toBe('');
        } else {
          expect(shown.length).toBeGreaterThan(0);
          expect(shown.length).toBeLessThanOrEqual(120);
          expect(shown).toBe(shown.trim());
          expect(shown).not.toMatch(UNPRINTABLE);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('describeChanges', () => {
  it('writes path, from and to, joined by commas', () => {
    expect(
      describeChanges([
        { path: 'checks.db.timeoutMs', from: 2000, to: 50 },
        { path: 'checks.db.tags', from: [], to: ['ready'] },
      ]),
    ).toBe('checks.db.timeoutMs 2000 -> 50, checks.db.tags [] -> ["ready"]');
    expect(describeChanges([{ path: 'checks.db.mode', from: 'active', to: 'shadow' }], false)).toBe(
      'checks.db.mode -> "shadow"',
    );
    expect(describeChanges([])).toBe('');
  });

  it('escapes line breaks in values: one line', () => {
    expect(describeChanges([{ path: 'p', from: 'a\nb', to: 'c\r' }])).toBe('p "a\\nb" -> "c\\r"');
  });

  it('stops at about 2000 characters and says how many changes were left out', () => {
    const changes = Array.from({ length: 1000 }, (_, i) => ({
      path: `checks.c${i}.tags`,
      from: [],
      to: ['x'.repeat(60)],
    }));
    const text = describeChanges(changes);
    expect(text.length).toBeLessThanOrEqual(2050);
    const shown = text.split(', checks.').length;
    expect(text).toMatch(new RegExp(`, … \\(${1000 - shown} more changes\\)$`));
  });

  it('cuts one change longer than the bound', () => {
    const text = describeChanges([
      { path: 'checks.db.tags', from: [], to: Array.from({ length: 32 }, () => 'y'.repeat(64)) },
      { path: 'checks.db.retries', from: 1, to: 2 },
    ]);
    expect(text.length).toBeLessThanOrEqual(2050);
    expect(text).toMatch(/^checks\.db\.tags \[\] -> \["y{64}".*…, … \(1 more changes\)$/);
  });

  it('property: at most about 2000 characters, whatever the changes', () => {
    const change = fc.record({
      path: fc.stringMatching(/^checks\.[a-z0-9_-]{1,64}\.[a-zA-Z]{1,30}$/),
      from: fc.jsonValue({ maxDepth: 2 }),
      to: fc.jsonValue({ maxDepth: 2 }),
    });
    fc.assert(
      fc.property(fc.array(change, { maxLength: 200 }), fc.boolean(), (changes, withFrom) => {
        expect(describeChanges(changes, withFrom).length).toBeLessThanOrEqual(2050);
      }),
      { numRuns: 200 },
    );
  });
});

describe('a threshold removed with null is held to the name rule', () => {
  // Every other level refuses an unknown key even when it is set to null (defaults.x: null,
  // checks.db.x: null, checks.Bad: null); thresholds.<name>: null skips the name check.
  it.each([
    '{"checks":{"db":{"thresholds":{"__proto__":null}}}}',
    '{"checks":{"db":{"thresholds":{"constructor.prototype":null}}}}',
    `{"checks":{"db":{"thresholds":{"not a name ${MARK}":null}}}}`,
  ])('refuses %s', (text) => {
    for (const quote of [true, false]) {
      const error = refusal(json(text), quote);
      expect(error.setting).toBe('checks.db.thresholds');
      expect(error.expected).toBe('threshold names like minHitRatio');
      if (!quote) expect(error.message).not.toContain(MARK);
    }
  });
});

describe('layerPatch removes a threshold that only `from` has', () => {
  // mergePatch merges thresholds name by name, but layerPatch sends a changed thresholds object
  // whole, without null for the names that are gone: the fleet's adopt() (config-fleet.ts) applies
  // layerPatch(applied, stored) and so keeps a threshold every other instance removed.
  it('removes maxAverageOperationMs', () => {
    const a = layerOf({
      checks: { cache: { thresholds: { minHitRatio: 0.5, maxAverageOperationMs: 100 } } },
    });
    const b = layerOf({ checks: { cache: { thresholds: { maxAverageOperationMs: null } } } }, a);
    expect(layerToJson(b).checks).toEqual({ cache: { thresholds: { minHitRatio: 0.5 } } });
    const patch = layerPatch(a, b);
    expect(layerToJson(mergePatch(a, read(patch)))).toEqual(layerToJson(b));
  });

  it('property: layerPatch(a, b) applied to a gives b, thresholds included', () => {
    const names = ['db', 'cache'];
    const thresholdsOnly = VALID_CHECK_VALUE.thresholds.map((thresholds) => ({
      checks: { db: { thresholds } },
    }));
    const patch = fc.oneof(validPatch(names), thresholdsOnly);
    const validLayer = fc
      .array(patch, { minLength: 1, maxLength: 3 })
      .map((patches) =>
        patches.reduce<ConfigLayer>((layer, patch) => layerOf(patch, layer), EMPTY_LAYER),
      );
    // b as the fleet makes it: a, changed by one more patch.
    fc.assert(
      fc.property(validLayer, patch, (a, change) => {
        const b = layerOf(change, a);
        expect(layerToJson(mergePatch(a, read(layerPatch(a, b))))).toEqual(layerToJson(b));
      }),
      { numRuns: 300 },
    );
  });
});
