import type { Logger } from '@nestjs/common';
import { DuplicateHealthCheckError, HealthConfigurationError } from '../shared/errors';
import { READINESS_TAG } from '../shared/names';
import type { PolicyState } from './check-policy';
import { validateCheckOptions, validateDefinition } from './check-options';
import type { ResolvedCheck, RunOutcome } from './check-runner';
import type {
  CheckConfiguration,
  ConfigSource,
  ConfigValue,
  HealthConfiguration,
  SettingsOverlay,
  TunableCheckKey,
  TunableDefaultKey,
} from './check-settings';
import { NO_OVERLAY, TUNABLE_CHECK_KEYS, TUNABLE_DEFAULT_KEYS } from './check-settings';
import type { HealthEngineOptions, ResolvedEngineOptions } from './engine.options';
import type {
  HealthCheckDefinition,
  HealthCheckOptions,
  HealthIndicator,
  RegisterOptions,
  Unregister,
} from './health-check';
import type { ComponentStatus } from './health-status';
import { HealthStatus } from './health-status';

/** One registered check: its settings, and what its runs leave behind. */
export interface Entry {
  /** The check with every setting resolved; replaced when the configuration changes. */
  check: ResolvedCheck;
  /** What was registered, to resolve it again. */
  readonly definition: HealthCheckDefinition;
  readonly registerOptions: RegisterOptions;
  /** What thresholds remember between runs: the reported status and the streaks. */
  readonly policy: PolicyState;
  inFlight?: Promise<ComponentStatus>;
  cached?: { status: ComponentStatus; expiresAt: number };
  /** The latest run's status, how it ended and when (monotonic ms). */
  lastStatus?: ComponentStatus;
  lastOutcome?: RunOutcome;
  lastFinishedAt?: number;
}

/** The code's defaults of the per-check settings that have no module-wide default. */
const CHECK_DEFAULTS: Omit<
  Required<Pick<HealthCheckOptions, TunableCheckKey>>,
  TunableDefaultKey
> = {
  critical: true,
  tags: [],
  timeoutStatus: HealthStatus.DEGRADED,
  degradedAboveMs: 0,
  failuresBeforeUnhealthy: 1,
  successesBeforeHealthy: 1,
  enabled: true,
  mode: 'active',
  thresholds: {},
};

/** The module option behind each engine default. */
const DEFAULT_OPTION = {
  timeoutMs: 'defaultTimeoutMs',
  retries: 'retries',
  cacheTtlMs: 'cacheTtlMs',
  failureCacheTtlMs: 'failureCacheTtlMs',
} as const satisfies Record<TunableDefaultKey, keyof HealthEngineOptions>;

const noop: Unregister = () => undefined;

/**
 * The registered checks and their settings: every setting of every check resolved from the
 * overlay (runtime, file), the operator's per-component options, the registration, the
 * indicator and the defaults, each with its source. The engine runs what is here; the runtime
 * configuration module changes the overlay through `resolveAll` and `adopt`.
 */
export class CheckRegistry {
  readonly entries = new Map<string, Entry>();
  private overlay: SettingsOverlay = NO_OVERLAY;
  private readonly skipped = new Set<string>();

  constructor(
    private readonly options: ResolvedEngineOptions,
    private readonly given: HealthEngineOptions,
    private readonly logger: Logger,
    /** Called when a registration replaces or removes a name (its last status is void). */
    private readonly forget: (name: string) => void,
  ) {}

  /**
   * Adds a check. A name that is taken is an error unless `replace: true` is given. A name left
   * out of `enabledComponents` (when that is set) is skipped. Returns its removal.
   */
  register(check: HealthCheckDefinition | HealthIndicator, options: RegisterOptions): Unregister {
    const where = `check ${JSON.stringify(check?.name)}`;
    validateDefinition(check, where);
    validateCheckOptions(options, where);
    const { name } = check;
    if (this.options.enabledComponents && !this.options.enabledComponents.has(name)) {
      if (!this.skipped.has(name)) {
        this.skipped.add(name);
        this.logger.log(`Health check "${name}" is not in the enabled components; skipped`);
      }
      return noop;
    }
    if (this.entries.has(name) && !options.replace) throw new DuplicateHealthCheckError(name);
    const resolved = this.resolve(check, options, this.overlay);
    if (resolved.abortable === undefined && check.check.length > 0) {
      this.logger.warn(
        `Health check "${name}" declares a signal parameter but is not abortable: its signal never aborts (set abortable: true to get one that does)`,
      );
    }
    this.checkThresholds(check, resolved.thresholds);
    check.tunableThresholds?.apply(resolved.thresholds);
    const entry: Entry = {
      check: { ...resolved, abortable: resolved.abortable ?? false },
      definition: check,
      registerOptions: options,
      policy: { failures: 0, successes: 0 },
    };
    this.entries.set(name, entry);
    this.forget(name);
    return () => {
      if (this.entries.get(name) === entry) this.unregister(name);
    };
  }

  /** Removes the check with this name; returns whether there was one. */
  unregister(name: string): boolean {
    this.forget(name);
    return this.entries.delete(name);
  }

  /**
   * Every registered check resolved over `overlay`, each validated as at registration (its
   * indicator judges its thresholds); throws the first `HealthConfigurationError`.
   */
  resolveAll(overlay: SettingsOverlay): Map<string, ResolvedCheck> {
    const resolved = new Map<string, ResolvedCheck>();
    for (const [name, entry] of this.entries) {
      const check = this.resolve(entry.definition, entry.registerOptions, overlay);
      this.checkThresholds(entry.definition, check.thresholds);
      resolved.set(name, { ...check, abortable: entry.check.abortable });
    }
    return resolved;
  }

  /**
   * Runs on `overlay` from now on: the checks named in `changed` take their new settings (from
   * `resolveAll(overlay)`), their cached results are dropped and their thresholds handed over.
   */
  adopt(
    overlay: SettingsOverlay,
    resolved: ReadonlyMap<string, ResolvedCheck>,
    changed: ReadonlySet<string>,
  ): void {
    this.overlay = overlay;
    for (const [name, entry] of this.entries) {
      const check = resolved.get(name);
      if (!check || !changed.has(name)) continue;
      entry.check = check;
      entry.cached = undefined;
      entry.definition.tunableThresholds?.apply(check.thresholds);
    }
  }

  /** The effective configuration over `overlay` (by default the one in force), with sources. */
  configuration(overlay = this.overlay): Omit<HealthConfiguration, 'version'> {
    const defaults = Object.fromEntries(
      TUNABLE_DEFAULT_KEYS.map((key) => [key, this.defaultValue(key, overlay)]),
    ) as HealthConfiguration['defaults'];
    const checks: Record<string, CheckConfiguration> = {};
    for (const [name, entry] of this.entries) {
      checks[name] = Object.fromEntries(
        TUNABLE_CHECK_KEYS.map((key) => [
          key,
          this.layered(entry.definition, entry.registerOptions, key, overlay),
        ]),
      ) as CheckConfiguration;
    }
    return { defaults, checks };
  }

  private resolve(
    check: HealthCheckDefinition,
    options: RegisterOptions,
    overlay: SettingsOverlay,
  ): Omit<ResolvedCheck, 'abortable'> & { abortable?: boolean } {
    const value = <K extends TunableCheckKey>(key: K) =>
      this.layered(check, options, key, overlay).value;
    return {
      name: check.name,
      indicator: check,
      timeoutMs: value('timeoutMs'),
      retries: value('retries'),
      critical: value('critical'),
      cacheTtlMs: value('cacheTtlMs'),
      failureCacheTtlMs: value('failureCacheTtlMs'),
      tags: [...value('tags')],
      abortable:
        this.options.components[check.name]?.abortable ?? options.abortable ?? check.abortable,
      timeoutStatus: value('timeoutStatus'),
      degradedAboveMs: value('degradedAboveMs'),
      failuresBeforeUnhealthy: value('failuresBeforeUnhealthy'),
      successesBeforeHealthy: value('successesBeforeHealthy'),
      enabled: value('enabled'),
      mode: value('mode'),
      thresholds: value('thresholds'),
      retryBaseDelayMs: this.options.retryBaseDelayMs,
    };
  }

  /**
   * One setting of a check and where it comes from, first found wins: the overlay (runtime,
   * then file), the operator's per-component settings (module options or environment), the
   * registration, the indicator's own field, the defaults (overlay, module, code).
   */
  private layered<K extends TunableCheckKey>(
    check: HealthCheckDefinition,
    options: RegisterOptions,
    key: K,
    overlay: SettingsOverlay,
  ): ConfigValue<NonNullable<HealthCheckOptions[K]>> {
    type V = NonNullable<HealthCheckOptions[K]>;
    if (key === 'thresholds') return this.thresholdsOf(check, options, overlay) as ConfigValue<V>;
    const over = overlay.checkValue(check.name, key as Exclude<TunableCheckKey, 'thresholds'>);
    if (over !== undefined) return over as ConfigValue<V>;
    const operator = this.options.components[check.name]?.[key];
    if (operator !== undefined) {
      return { value: operator as V, source: this.sourceOf(`components.${check.name}.${key}`) };
    }
    const own = options[key] ?? check[key];
    if (own !== undefined) return { value: own as V, source: 'code' };
    if ((TUNABLE_DEFAULT_KEYS as readonly string[]).includes(key)) {
      return this.defaultValue(key as TunableDefaultKey, overlay) as ConfigValue<V>;
    }
    return { value: (CHECK_DEFAULTS as Record<string, unknown>)[key] as V, source: 'default' };
  }

  /**
   * A check's thresholds: the indicator's own values, overridden name by name by the options
   * and the overlay's layers; the source is the highest layer that set one.
   */
  private thresholdsOf(
    check: HealthCheckDefinition,
    options: RegisterOptions,
    overlay: SettingsOverlay,
  ): ConfigValue<Readonly<Record<string, number>>> {
    const { name } = check;
    const layers: (readonly [ConfigSource, Readonly<Record<string, number>> | undefined])[] = [
      ['code', check.tunableThresholds?.defaults],
      ['code', options.thresholds],
      [this.sourceOf(`components.${name}.thresholds`), this.options.components[name]?.thresholds],
      ...overlay.thresholds(name),
    ];
    let value: Readonly<Record<string, number>> = {};
    let source: ConfigSource = 'default';
    for (const [from, values] of layers) {
      if (!values || Object.keys(values).length === 0) continue;
      value = { ...value, ...values };
      source = from;
    }
    return { value, source };
  }

  /** Validates a check's thresholds with its indicator; throws naming the bad one. */
  private checkThresholds(
    check: HealthCheckDefinition,
    thresholds: Readonly<Record<string, number>>,
  ): void {
    const where = `checks.${check.name}.thresholds`;
    if (check.tunableThresholds) check.tunableThresholds.validate(thresholds, where);
    else if (Object.keys(thresholds).length > 0) {
      throw new HealthConfigurationError(
        where,
        thresholds,
        'nothing: this check has no thresholds',
      );
    }
  }

  private defaultValue(key: TunableDefaultKey, overlay: SettingsOverlay): ConfigValue<number> {
    const over = overlay.defaultValue(key);
    if (over !== undefined) return over;
    const option = DEFAULT_OPTION[key];
    return {
      value: this.options.defaults[key],
      source: this.given[option] === undefined ? 'default' : this.sourceOf(option),
    };
  }

  private sourceOf(path: string): ConfigSource {
    return this.options.configSources[path] ?? 'options';
  }
}

/** The checks readiness covers: the active ones tagged `ready` if any, else the active critical ones. */
export function readinessCovers(checks: Iterable<ResolvedCheck>): string[] {
  const active = [...checks].filter((check) => check.enabled && check.mode === 'active');
  const tagged = active.filter((check) => check.tags.includes(READINESS_TAG));
  return (tagged.length > 0 ? tagged : active.filter((check) => check.critical)).map((c) => c.name);
}

/** Whether an indicator says it has settled since startup (no `settled()`: from the start). */
export function indicatorSettled(check: ResolvedCheck): boolean {
  const { indicator } = check;
  if (typeof indicator.settled !== 'function') return true;
  try {
    return indicator.settled() !== false;
  } catch {
    return true;
  }
}
