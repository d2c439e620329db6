import type {
  ConfigChange,
  ConfigSource,
  TunableCheckKey,
  TunableCheckOptions,
  TunableDefaultKey,
  TunableDefaults,
} from '../core/check-settings';
import { same, TUNABLE_CHECK_KEYS, TUNABLE_DEFAULT_KEYS } from '../core/check-settings';
import { COMPONENT_NAME_EXPECTED } from '../shared/names';
import {
  CHECK_OPTION_RULES,
  MAX_THRESHOLDS,
  validateThreshold,
  validateThresholdName,
} from '../core/check-options';
import { integer, milliseconds } from '../shared/validate';
import { HealthConfigurationError, ValueKind } from '../shared/errors';
import type { HealthCheckOptions } from '../core/health-check';
import { isComponentName } from '../shared/names';

/** At most this many checks in one patch, file or fleet state. */
export const MAX_CONFIG_CHECKS = 256;

/**
 * A JSON merge patch of the runtime layer: a value sets it, `null` removes it (the file,
 * environment, options or default value shows again); `checks.<name>: null` removes every
 * runtime value of that check.
 */
export interface ConfigPatch {
  defaults?: { [K in TunableDefaultKey]?: number | null };
  checks?: Record<string, { [K in TunableCheckKey]?: HealthCheckOptions[K] | null } | null>;
}

/** What an applied change announces. */
export interface ConfigChangeEvent {
  version: number;
  changes: ConfigChange[];
  source: ConfigSource;
  /** Who asked (an admin key's fingerprint, a file path...), for the audit line. */
  actor?: string;
}

/**
 * A layer of values set at runtime, from a file or by the fleet. Built only by `mergePatch` from
 * a validated patch: a Map of checks by name, each a frozen null-prototype object of known keys.
 */
export interface ConfigLayer {
  readonly defaults: Readonly<TunableDefaults>;
  readonly checks: ReadonlyMap<string, Readonly<TunableCheckOptions>>;
}

export const EMPTY_LAYER: ConfigLayer = Object.freeze({
  defaults: frozen({}),
  checks: new Map<string, Readonly<TunableCheckOptions>>(),
});

/** A check's part of a validated patch; thresholds are a Map of their own (merged key by key). */
export type CheckPatch = ReadonlyMap<TunableCheckKey, unknown>;

/** A patch as every door hands it over after `parsePatch`: validated, in Maps only. */
export interface ParsedPatch {
  readonly defaults: ReadonlyMap<TunableDefaultKey, number | null>;
  readonly checks: ReadonlyMap<string, CheckPatch | null>;
}

/**
 * How a door's errors may show what they refuse: the admin endpoint and code get their own
 * values back; a file or a fleet message is shown by kind only (it may hold anything).
 */
export interface PatchReading {
  quote: boolean;
}

const CHECK_KEYS: ReadonlySet<string> = new Set(TUNABLE_CHECK_KEYS);
const DEFAULT_KEYS: ReadonlySet<string> = new Set(TUNABLE_DEFAULT_KEYS);

/**
 * Reads a JSON merge patch from outside (a request body, a file, a fleet message): only known
 * keys, component names, bounded sizes, every value validated as the same setting is at startup.
 * Throws a `HealthConfigurationError` naming the first bad field; never reads a key that is not
 * the value's own, never writes one into a plain object.
 */
export function parsePatch(input: unknown, reading: PatchReading): ParsedPatch {
  const read = new PatchReader(reading);
  const root = read.record('patch', input, 'a JSON object of defaults and checks');
  const defaults = new Map<TunableDefaultKey, number | null>();
  const checks = new Map<string, CheckPatch | null>();
  for (const [key, value] of root) {
    if (key === 'defaults') read.defaults(value, defaults);
    else if (key === 'checks') read.checks(value, checks);
    else throw read.refuse(read.path('', key), value, 'only the keys defaults and checks');
  }
  return { defaults, checks };
}

class PatchReader {
  constructor(private readonly reading: PatchReading) {}

  defaults(input: unknown, into: Map<TunableDefaultKey, number | null>): void {
    for (const [key, value] of this.record('defaults', input, 'an object')) {
      const where = this.path('defaults', key);
      if (!DEFAULT_KEYS.has(key)) {
        throw this.refuse(where, value, `one of ${TUNABLE_DEFAULT_KEYS.join(', ')}`);
      }
      if (value !== null) {
        this.guard(value, () =>
          key === 'retries'
            ? integer(where, value, 0)
            : milliseconds(where, value, key === 'timeoutMs' ? 1 : 0),
        );
      }
      into.set(key as TunableDefaultKey, value as number | null);
    }
  }

  checks(input: unknown, into: Map<string, CheckPatch | null>): void {
    const entries = this.record('checks', input, 'an object of checks by name');
    if (entries.length > MAX_CONFIG_CHECKS) {
      throw this.refuse('checks', input, `at most ${MAX_CONFIG_CHECKS} checks`);
    }
    for (const [name, options] of entries) {
      if (!isComponentName(name))
        throw this.refuse(this.path('checks', name), name, COMPONENT_NAME_EXPECTED);
      into.set(name, options === null ? null : this.check(`checks.${name}`, options));
    }
  }

  private check(where: string, input: unknown): CheckPatch {
    const values = new Map<TunableCheckKey, unknown>();
    for (const [key, value] of this.record(where, input, 'an object of check settings, or null')) {
      const path = this.path(where, key);
      if (!CHECK_KEYS.has(key)) {
        throw this.refuse(path, value, `one of ${TUNABLE_CHECK_KEYS.join(', ')}`);
      }
      if (value === null) values.set(key as TunableCheckKey, null);
      else if (key === 'thresholds') values.set('thresholds', this.thresholds(path, value));
      else {
        const rule = CHECK_OPTION_RULES[key as Exclude<TunableCheckKey, 'thresholds'>];
        this.guard(value, () => rule(path, value));
        // Arrays (tags) are copied: nothing outside keeps a handle on what is applied.
        values.set(
          key as TunableCheckKey,
          Array.isArray(value) ? Object.freeze([...value]) : value,
        );
      }
    }
    return values;
  }

  private thresholds(where: string, input: unknown): ReadonlyMap<string, number | null> {
    const entries = this.record(where, input, 'an object of numbers by name, or null');
    if (entries.length > MAX_THRESHOLDS) {
      throw this.refuse(where, input, `at most ${MAX_THRESHOLDS} thresholds`);
    }
    const limits = new Map<string, number | null>();
    for (const [name, value] of entries) {
      // A name is checked even when the value removes it.
      this.guard(name, () => validateThresholdName(where, name));
      if (value !== null) this.guard(value, () => validateThreshold(where, name, value));
      limits.set(name, value as number | null);
    }
    return limits;
  }

  /** The object's own entries; anything but a plain JSON object is refused. */
  record(where: string, input: unknown, expected: string): [string, unknown][] {
    if (!isPlainObject(input)) throw this.refuse(where, input, expected);
    return Object.entries(input);
  }

  /** A path segment is shown as written only when it is a plain name. */
  path(parent: string, key: string): string {
    const shown = /^[A-Za-z0-9_-]{1,64}$/.test(key)
      ? key
      : this.reading.quote
        ? JSON.stringify(key.slice(0, 40))
        : '(a key that is not a name)';
    return parent ? `${parent}.${shown}` : shown;
  }

  refuse(where: string, value: unknown, expected: string): HealthConfigurationError {
    return new HealthConfigurationError(where, this.shown(value), expected);
  }

  /** Runs a validator; when values must not be quoted, its error is remade without the value. */
  private guard(value: unknown, validate: () => unknown): void {
    try {
      validate();
    } catch (error) {
      if (this.reading.quote || !(error instanceof HealthConfigurationError)) throw error;
      throw new HealthConfigurationError(error.setting, new ValueKind(value), error.expected);
    }
  }

  private shown(value: unknown): unknown {
    return this.reading.quote ? value : new ValueKind(value);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/** A frozen null-prototype copy: nothing in it answers to a name it was not given. */
function frozen<T extends object>(values: T): Readonly<T> {
  return Object.freeze(Object.assign(Object.create(null) as T, values));
}

/** Merges a validated patch into a layer, into a new layer. */
export function mergePatch(layer: ConfigLayer, patch: ParsedPatch): ConfigLayer {
  const defaults = Object.assign(Object.create(null) as TunableDefaults, layer.defaults);
  for (const [key, value] of patch.defaults) {
    if (value === null) delete defaults[key];
    else defaults[key] = value;
  }
  const checks = new Map(layer.checks);
  for (const [name, values] of patch.checks) {
    const merged = values && mergeCheck(checks.get(name), values);
    if (merged && Object.keys(merged).length > 0) checks.set(name, merged);
    else checks.delete(name);
  }
  return { defaults: Object.freeze(defaults), checks };
}

function mergeCheck(
  current: Readonly<TunableCheckOptions> | undefined,
  patch: CheckPatch,
): Readonly<TunableCheckOptions> {
  const target: Record<string, unknown> = Object.assign(Object.create(null) as object, current);
  for (const [key, value] of patch) {
    if (value instanceof Map) {
      // Merged key by key: `{ thresholds: { minHitRatio: null } }` removes that one only.
      const limits = Object.assign(
        Object.create(null) as Record<string, number>,
        target.thresholds as Record<string, number> | undefined,
      );
      for (const [name, limit] of value as ReadonlyMap<string, number | null>) {
        if (limit === null) delete limits[name];
        else limits[name] = limit;
      }
      if (Object.keys(limits).length > 0) target.thresholds = Object.freeze(limits);
      else delete target.thresholds;
    } else if (value === null) {
      delete target[key];
    } else {
      target[key] = value;
    }
  }
  return Object.freeze(target) as Readonly<TunableCheckOptions>;
}

/** A layer as plain JSON data (to store, send or compare), every key in order. */
export function layerToJson(layer: ConfigLayer): Required<ConfigPatch> {
  return {
    defaults: sorted(layer.defaults),
    checks: Object.fromEntries(
      [...layer.checks.keys()].sort().map((name) => {
        const { thresholds, ...values } = layer.checks.get(name)!;
        return [name, sorted(thresholds ? { ...values, thresholds: sorted(thresholds) } : values)];
      }),
    ),
  };
}

/** Whether two layers hold the same values. */
export function sameLayer(a: ConfigLayer, b: ConfigLayer): boolean {
  return same(layerToJson(a), layerToJson(b));
}

function sorted<T extends object>(values: T): T {
  return Object.fromEntries(
    Object.keys(values)
      .sort()
      .map((key) => [key, (values as Record<string, unknown>)[key]]),
  ) as T;
}

/**
 * The JSON merge patch that turns layer `from` into layer `to`: what changed is set, what is
 * gone is `null`. Applied to a layer holding `from` plus values of its own, it keeps those.
 */
export function layerPatch(from: ConfigLayer, to: ConfigLayer): ConfigPatch {
  const defaults: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  diffInto(defaults, from.defaults, to.defaults);
  const checks = new Map<string, Record<string, unknown> | null>();
  for (const name of from.checks.keys()) if (!to.checks.has(name)) checks.set(name, null);
  for (const [name, options] of to.checks) {
    const before = from.checks.get(name) ?? {};
    const changed = Object.create(null) as Record<string, unknown>;
    diffInto(changed, before, options);
    // Thresholds merge name by name: a name that is gone must be sent as null.
    if (changed.thresholds && before.thresholds && options.thresholds) {
      const limits = Object.create(null) as Record<string, unknown>;
      diffInto(limits, before.thresholds, options.thresholds);
      changed.thresholds = { ...limits };
    }
    if (Object.keys(changed).length > 0) checks.set(name, changed);
  }
  return {
    defaults: { ...defaults } as ConfigPatch['defaults'],
    checks: Object.fromEntries(checks) as ConfigPatch['checks'],
  };
}

function diffInto(into: Record<string, unknown>, before: object, after: object): void {
  const was = before as Record<string, unknown>;
  const is = after as Record<string, unknown>;
  for (const key of Object.keys(was)) if (!Object.hasOwn(is, key)) into[key] = null;
  for (const [key, value] of Object.entries(is)) {
    if (!Object.hasOwn(was, key) || !same(was[key], value)) into[key] = value;
  }
}

/**
 * Reads and validates a configuration file's content (`{ defaults, checks }`) as any door's
 * patch is, never quoting what it holds; throws a `HealthConfigurationError` naming the field.
 */
export function validateConfigurationContent(content: unknown): ParsedPatch {
  return parsePatch(content, { quote: false });
}

/** Control, bidirectional and invisible format characters: what can forge or hide a log line. */
const UNPRINTABLE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g;

/** The longest `actor` kept: a key fingerprint, a file path, a name. */
const MAX_ACTOR = 120;

/**
 * An `actor` fit for one log line: printable characters only (no line breaks, no escapes, no
 * bidirectional controls), at most 120 of them; undefined when nothing printable is left.
 */
export function sanitizeActor(actor: unknown): string | undefined {
  if (typeof actor !== 'string') return undefined;
  const printable = actor.replace(UNPRINTABLE, '').trim();
  if (printable === '') return undefined;
  return printable.length > MAX_ACTOR ? `${printable.slice(0, MAX_ACTOR - 1)}…` : printable;
}

/** The longest description of changes one log line carries. */
const MAX_CHANGES_TEXT = 2000;

/** The changes as one bounded line: `path from -> to, ...`, then how many more were left out. */
export function describeChanges(changes: readonly ConfigChange[], withFrom = true): string {
  let text = '';
  for (let i = 0; i < changes.length; i++) {
    const { path, from, to, sources } = changes[i];
    const moved = sources ? ` (${sources[0]} -> ${sources[1]})` : '';
    const part = `${path} ${withFrom ? `${JSON.stringify(from)} -> ` : '-> '}${JSON.stringify(to)}${moved}`;
    if (!text) {
      text = part.length > MAX_CHANGES_TEXT ? `${part.slice(0, MAX_CHANGES_TEXT)}…` : part;
      continue;
    }
    if (text.length + part.length + 2 > MAX_CHANGES_TEXT) {
      return `${text}, … (${changes.length - i} more changes)`;
    }
    text = `${text}, ${part}`;
  }
  return text;
}
