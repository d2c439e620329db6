import fc from 'fast-check';
import type { TunableCheckKey } from '../../libs/health/src/core/check-settings';
import {
  TUNABLE_CHECK_KEYS,
  TUNABLE_DEFAULT_KEYS,
} from '../../libs/health/src/core/check-settings';
import { MAX_TIMER_MS } from '../../libs/health/src/shared/validate';

/**
 * Arbitraries for property tests of the runtime configuration's doors (`parsePatch` and the
 * HealthService methods behind it): hostile JSON-like values, and patches shaped closely enough
 * to a real one that many are valid.
 */

/** Planted in string values: an error that may not quote values must never show it. */
export const MARK = 'SECRETMARK';

/** Names every plain object answers to through its prototype. */
export const NAMES_EVERY_OBJECT_HAS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'isPrototypeOf',
  '__defineGetter__',
] as const;

/** Keys as an attacker picks them: prototype names, real keys, lookalikes and noise. */
export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...NAMES_EVERY_OBJECT_HAS),
  fc.constantFrom(
    'defaults',
    'checks',
    'thresholds',
    'db',
    'cache',
    'queue',
    'minHitRatio',
    ...TUNABLE_CHECK_KEYS,
    ...TUNABLE_DEFAULT_KEYS,
  ),
  fc.string({ maxLength: 70 }),
  fc.stringMatching(/^[a-z0-9_-]{1,66}$/),
);

/** A string value with the marker inside. */
export const markedString: fc.Arbitrary<string> = fc
  .tuple(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }))
  .map(([before, after]) => `${before}${MARK}${after}`);

const leaf: fc.Arbitrary<unknown> = fc.oneof(
  markedString,
  fc.string({ maxLength: 8 }),
  fc.integer(),
  fc.double(),
  fc.nat({ max: 10_000 }),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('active', 'shadow', 'healthy', 'degraded', 'unhealthy', 'ready'),
);

/** Any JSON-like value, nested a few levels, in objects keyed by `hostileKey` (some null-prototype). */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 5 },
    leaf,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileKey, tie('value'), { maxKeys: 5 }),
  ),
})).value;

const milliseconds = (min = 0) => fc.integer({ min, max: MAX_TIMER_MS });

/** A valid value for each per-check key (thresholds: a few, some removed with null). */
export const VALID_CHECK_VALUE: Record<TunableCheckKey, fc.Arbitrary<unknown>> = {
  timeoutMs: milliseconds(1),
  retries: fc.nat({ max: 5 }),
  critical: fc.boolean(),
  tags: fc.array(fc.stringMatching(/^[A-Za-z0-9_.:/-]{1,64}$/), { maxLength: 4 }),
  cacheTtlMs: milliseconds(),
  failureCacheTtlMs: milliseconds(),
  timeoutStatus: fc.constantFrom('healthy', 'degraded', 'unhealthy'),
  degradedAboveMs: milliseconds(),
  failuresBeforeUnhealthy: fc.integer({ min: 1, max: 5 }),
  successesBeforeHealthy: fc.integer({ min: 1, max: 5 }),
  enabled: fc.boolean(),
  mode: fc.constantFrom('active', 'shadow'),
  thresholds: fc.dictionary(
    fc.constantFrom('minHitRatio', 'maxLatencyMs', 'constructor', 'toString', 'x'),
    fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(null)),
    { maxKeys: 3 },
  ),
};

/** Built with `Object.fromEntries`: `__proto__` becomes an own key, as `JSON.parse` makes it. */
const record = (entries: [string, unknown][]) => Object.fromEntries(entries);

const settingEntry: fc.Arbitrary<[string, unknown]> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .constantFrom(...TUNABLE_CHECK_KEYS)
      .chain((key) =>
        fc.tuple(
          fc.constant(key),
          fc.oneof(
            { weight: 6, arbitrary: VALID_CHECK_VALUE[key] },
            { weight: 1, arbitrary: fc.constant(null) },
            { weight: 1, arbitrary: hostileValue },
          ),
        ),
      ),
  },
  { weight: 1, arbitrary: fc.tuple(hostileKey, hostileValue) },
);

const checkSettings = fc.array(settingEntry, { maxLength: 4 }).map(record);

/**
 * A patch-shaped value: `defaults` and `checks` with mostly real keys and mostly valid values,
 * and now and then a hostile key or value at any level.
 */
export function patchLike(
  names: readonly string[] = ['db', 'cache', 'queue'],
): fc.Arbitrary<unknown> {
  const checkName = fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...names) },
    { weight: 1, arbitrary: hostileKey },
  );
  const checks = fc
    .array(
      fc.tuple(
        checkName,
        fc.oneof(
          { weight: 6, arbitrary: checkSettings },
          { weight: 1, arbitrary: fc.constant(null) },
          { weight: 1, arbitrary: hostileValue },
        ),
      ),
      { maxLength: 3 },
    )
    .map(record);
  const defaults = fc
    .array(
      fc.tuple(
        fc.oneof(
          { weight: 5, arbitrary: fc.constantFrom(...TUNABLE_DEFAULT_KEYS) },
          { weight: 1, arbitrary: hostileKey },
        ),
        fc.oneof(
          { weight: 5, arbitrary: fc.nat({ max: MAX_TIMER_MS }) },
          { weight: 1, arbitrary: fc.constant(null) },
          { weight: 1, arbitrary: hostileValue },
        ),
      ),
      { maxLength: 3 },
    )
    .map(record);
  return fc
    .array(
      fc.oneof(
        { weight: 4, arbitrary: fc.tuple(fc.constant('checks'), checks) },
        { weight: 2, arbitrary: fc.tuple(fc.constant('defaults'), defaults) },
        { weight: 1, arbitrary: fc.tuple(hostileKey, hostileValue) },
      ),
      { maxLength: 3 },
    )
    .map(record);
}

/** A valid patch: known keys, valid values or null, names from `names` only. */
export function validPatch(
  names: readonly string[] = ['db', 'cache', 'queue'],
): fc.Arbitrary<unknown> {
  const settings = fc
    .array(
      fc
        .constantFrom(...TUNABLE_CHECK_KEYS)
        .chain((key) =>
          fc.tuple(
            fc.constant(key),
            fc.oneof({ weight: 5, arbitrary: VALID_CHECK_VALUE[key] }, fc.constant(null)),
          ),
        ),
      { maxLength: 5 },
    )
    .map(record);
  const defaults = fc.record(
    {
      timeoutMs: fc.oneof(milliseconds(1), fc.constant(null)),
      retries: fc.oneof(fc.nat({ max: 5 }), fc.constant(null)),
      cacheTtlMs: fc.oneof(milliseconds(), fc.constant(null)),
      failureCacheTtlMs: fc.oneof(milliseconds(), fc.constant(null)),
    },
    { requiredKeys: [] },
  );
  const checks = fc
    .array(
      fc.tuple(
        fc.constantFrom(...names),
        fc.oneof({ weight: 5, arbitrary: settings }, fc.constant(null)),
      ),
      {
        maxLength: names.length,
      },
    )
    .map(record);
  return fc.record({ defaults, checks }, { requiredKeys: [] });
}

/** Any input a door may be handed: patch-shaped, hostile, or plain JSON. */
export const anyInput: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: patchLike() },
  { weight: 1, arbitrary: hostileValue },
  { weight: 1, arbitrary: fc.jsonValue() },
);

/** `value` nested `depth` levels deep in objects (keyed by `key`) or arrays, built without recursion. */
export function nested(
  depth: number,
  container: 'object' | 'array',
  key = 'x',
  inner: unknown = 1,
): unknown {
  let value = inner;
  for (let i = 0; i < depth; i++) {
    value = container === 'array' ? [value] : Object.fromEntries([[key, value]]);
  }
  return value;
}

/** What the prototypes outside input could reach hold, and what `{}` answers to a patch's keys. */
export type PrototypeSnapshot = ReadonlyMap<string, unknown>;

const PROTOTYPES = {
  Object: Object.prototype,
  Array: Array.prototype,
  Function: Function.prototype,
  Map: Map.prototype,
};
const PROBED_KEYS = [
  'critical',
  'tags',
  'timeoutMs',
  'mode',
  'enabled',
  'thresholds',
  'x',
  'db',
  'checks',
  'defaults',
];

/**
 * Every own property of those prototypes (its value, getter and setter) and what `{}` answers
 * to the keys a patch uses: compared before and after to show nothing was polluted.
 */
export function prototypeSnapshot(): PrototypeSnapshot {
  const snapshot = new Map<string, unknown>();
  for (const [name, prototype] of Object.entries(PROTOTYPES)) {
    for (const key of Reflect.ownKeys(prototype)) {
      const { value, get, set } = Object.getOwnPropertyDescriptor(prototype, key)!;
      snapshot.set(`${name}.prototype.${String(key)}`, [value, get, set]);
    }
  }
  const probe = {} as Record<string, unknown>;
  for (const key of PROBED_KEYS) snapshot.set(`({}).${key}`, [probe[key]]);
  return snapshot;
}

/** Fails unless every prototype property is the very same as in `before`, naming those that differ. */
export function expectPrototypesUntouched(before: PrototypeSnapshot): void {
  const after = prototypeSnapshot();
  const same = (a: unknown, b: unknown) =>
    Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => v === b[i]);
  const changed = [...new Set([...before.keys(), ...after.keys()])].filter(
    (key) => !same(before.get(key), after.get(key)),
  );
  expect(changed).toEqual([]);
}
