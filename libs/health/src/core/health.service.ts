import type { OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { MODULE_OPTIONS_TOKEN } from '../health.module-definition';
import type { HealthModuleOptions, ResolvedHealthOptions } from '../health.options';
import { resolveHealthOptions, validateCheckOptions, validateDefinition } from '../health.options';
import { HealthConfigurationError } from './errors';
import type {
  CheckConfiguration,
  ConfigChange,
  ConfigChangeEvent,
  ConfigLayer,
  ConfigSource,
  ConfigValue,
  HealthConfiguration,
  TunableCheckKey,
  TunableDefaultKey,
} from './health-configuration';
import {
  EMPTY_LAYER,
  mergePatch,
  parsePatch,
  same,
  sanitizeActor,
  TUNABLE_CHECK_KEYS,
  TUNABLE_DEFAULT_KEYS,
} from './health-configuration';
import { READINESS_TAG } from './names';
import { aggregateStatus } from './aggregate';
import type { PolicyState } from './check-policy';
import { applyPolicy } from './check-policy';
import type { HealthClock } from './clock';
import type { CheckRun, ResolvedCheck, RunContext, RunOutcome } from './check-runner';
import { runCheck } from './check-runner';
import { Deadlines } from './deadlines';
import { Described, DuplicateHealthCheckError, UnknownComponentError } from './errors';
import type {
  HealthCheckDefinition,
  HealthCheckOptions,
  HealthIndicator,
  RegisterOptions,
  Unregister,
} from './health-check';
import type { ComponentStatus, SystemHealthStatus } from './health-status';
import { HealthStatus } from './health-status';
import { Redactor } from './redact';

/** What a report covers and why it ran. */
export interface ReportInfo {
  /** Every registered check (not a selection such as readiness). */
  full: boolean;
  /** The engine's periodic evaluation asked for it (evenly spaced, whatever the traffic). */
  scheduled: boolean;
  /**
   * Every indicator had settled (or the startup grace was over): before that, reports are the
   * baseline, and a status change in them is no news (a client still connecting at boot).
   */
  settled: boolean;
}

/** How the run behind a status ended, and when (on the engine's monotonic clock). */
export interface RunFacts {
  outcome: RunOutcome;
  finishedAt: number;
}

/** Called with every finished report. Errors it throws are logged, never propagated. */
export type ReportListener = (report: SystemHealthStatus, info: ReportInfo) => void | Promise<void>;

/** Called after every real run of a check (not for results served from cache). */
export type RunListener = (run: CheckRun) => void;

/** Which checks an evaluation covers. Unset fields select everything. */
export interface CheckSelection {
  /** Only checks carrying at least one of these tags. */
  tags?: readonly string[];
  /** Only critical checks. */
  criticalOnly?: boolean;
  /** Leave these names out; unknown names are ignored. */
  exclude?: readonly string[];
}

interface Entry {
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

const FULL = '{}';

/** Who asks for a configuration change, and whether errors may quote the values refused. */
export interface ConfigChangeOrigin {
  /** Named in the change event and the audit line (sanitised, at most 120 characters). */
  actor?: string;
  /** False for values from a file or a fleet message: errors then name kinds, never content. */
  quote?: boolean;
}

/** A configuration file loaded: the change, and the checks it names that are not registered. */
export type FileLoadEvent = ConfigChangeEvent & { unregistered: string[] };

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
} as const satisfies Record<TunableDefaultKey, keyof HealthModuleOptions>;

/** Every value that differs between two configurations, by path. */
/**
 * Every value that differs between two configurations, by path; a value that stays the same but
 * comes from another layer now (pinned at runtime, say) is a change too, with its sources.
 */
function diff(before: HealthConfiguration, after: HealthConfiguration): ConfigChange[] {
  const changes: ConfigChange[] = [];
  const compare = (path: string, from?: ConfigValue<unknown>, to?: ConfigValue<unknown>) => {
    if (!same(from?.value, to?.value)) changes.push({ path, from: from?.value, to: to?.value });
    else if (from && to && from.source !== to.source) {
      changes.push({ path, from: from.value, to: to.value, sources: [from.source, to.source] });
    }
  };
  for (const key of TUNABLE_DEFAULT_KEYS) {
    compare(`defaults.${key}`, before.defaults[key], after.defaults[key]);
  }
  for (const [name, check] of Object.entries(after.checks)) {
    for (const key of TUNABLE_CHECK_KEYS) {
      compare(`checks.${name}.${key}`, before.checks[name]?.[key], check[key]);
    }
  }
  return changes;
}

/** How often the engine looks whether indicators have settled, during startup. */
const SETTLE_POLL_MS = 100;

function indicatorSettled(check: ResolvedCheck): boolean {
  const { indicator } = check;
  if (typeof indicator.settled !== 'function') return true;
  try {
    return indicator.settled() !== false;
  } catch {
    return true;
  }
}

const noop: Unregister = () => undefined;

/**
 * The one engine: a registry of checks, a runner that isolates them, single-flight and
 * result caching, aggregation, the last known status of every component, and report events.
 */
@Injectable()
export class HealthService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(HealthService.name);
  private readonly options: ResolvedHealthOptions;
  private readonly entries = new Map<string, Entry>();
  private readonly lastStatuses = new Map<string, ComponentStatus>();
  private readonly listeners = new Set<ReportListener>();
  private readonly runListeners = new Set<RunListener>();
  private readonly lifecycle = new AbortController();
  private readonly deadlines: Deadlines;
  private readonly context: RunContext;
  private readonly inFlight = new Map<string, Promise<SystemHealthStatus>>();
  private lastReport?: SystemHealthStatus;
  private draining = false;
  private timer?: NodeJS.Timeout;
  /** A periodic tick waits on the full evaluation in flight: that report counts as scheduled. */
  private tickWaiting = false;
  private readonly skipped = new Set<string>();
  private readonly moduleOptions: HealthModuleOptions;
  /** Values set at runtime (admin endpoint, code): the first layer of every setting. */
  private layer: ConfigLayer = EMPTY_LAYER;
  /** Values from the configuration file (`configFile`): under the runtime layer. */
  private fileLayer: ConfigLayer = EMPTY_LAYER;
  private configurationVersion = 1;
  private reloadFailures = 0;
  private readonly configListeners = new Set<(event: ConfigChangeEvent) => void>();
  private readonly bootAt: number;
  private settledAt?: number;
  private settling?: NodeJS.Timeout;

  constructor(@Optional() @Inject(MODULE_OPTIONS_TOKEN) options?: HealthModuleOptions) {
    this.moduleOptions = options ?? {};
    this.options = resolveHealthOptions(this.moduleOptions);
    this.deadlines = new Deadlines(() => this.options.clock.monotonicMs());
    this.context = {
      clock: this.options.clock,
      redactor: new Redactor(this.options.secrets),
      shutdown: this.lifecycle.signal,
      atDeadline: (at, callback) => this.deadlines.at(at, callback),
    };
    this.bootAt = this.options.clock.monotonicMs();
    for (const definition of this.options.checks) this.register(definition);
  }

  /** The application version reports are labelled with. */
  get version(): string {
    return this.options.version;
  }

  /** Where the engine reads time (module option `clock`); consumers read it here too. */
  get clock(): HealthClock {
    return this.options.clock;
  }

  /** How often the engine evaluates every check by itself; 0 when it does not. */
  get evaluationIntervalMs(): number {
    return this.options.evaluationIntervalMs;
  }

  /** Masks secrets in text and data: for consumers that log or send anything a check said. */
  get redactor(): Redactor {
    return this.context.redactor;
  }

  /**
   * Adds a check. A name that is taken is an error unless `replace: true` is given.
   * A name left out of `enabledComponents` (when that is set) is skipped.
   * Returns a function that removes this registration.
   */
  register(
    check: HealthCheckDefinition | HealthIndicator,
    options: RegisterOptions = {},
  ): Unregister {
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

    const resolved = this.resolve(check, options);
    this.checkThresholds(check, resolved.thresholds);
    check.tunableThresholds?.apply(resolved.thresholds);
    const entry: Entry = {
      check: resolved,
      definition: check,
      registerOptions: options,
      policy: { failures: 0, successes: 0 },
    };
    this.entries.set(name, entry);
    this.lastStatuses.delete(name);
    return () => {
      if (this.entries.get(name) === entry) this.unregister(name);
    };
  }

  /** Removes the check with this name; returns whether there was one. */
  unregister(name: string): boolean {
    this.lastStatuses.delete(name);
    return this.entries.delete(name);
  }

  /** Names of the registered checks, in registration order. */
  names(): string[] {
    return [...this.entries.keys()];
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /**
   * Runs every check (or the selected ones) concurrently and aggregates them. Concurrent
   * callers of the same selection share one evaluation. Never rejects because of a check.
   */
  check(selection: CheckSelection = {}): Promise<SystemHealthStatus> {
    const key = selectionKey(selection);
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.evaluate(selection, key === FULL).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  /** Whether any registered check carries this tag. */
  hasTag(tag: string): boolean {
    // A paused or shadow check selects nothing: readiness must not fall back on none at all.
    return [...this.entries.values()].some(
      ({ check }) => check.enabled && check.mode === 'active' && check.tags.includes(tag),
    );
  }

  /** Tags of a registered check, or undefined for an unknown name. */
  describe(name: string): { critical: boolean; tags: readonly string[] } | undefined {
    const check = this.entries.get(name)?.check;
    return check && { critical: check.critical, tags: check.tags };
  }

  /** Runs one check (sharing an in-flight run or a cached result). Unknown name: `UnknownComponentError`. */
  checkComponent(name: string): Promise<ComponentStatus> {
    const entry = this.entries.get(name);
    if (!entry) return Promise.reject(new UnknownComponentError(name));
    return this.run(entry);
  }

  /**
   * How the run behind this status ended and when: for the latest status of a registered check
   * (the one reports and `getLastStatus` hold); undefined for any other.
   */
  runOf(status: ComponentStatus): RunFacts | undefined {
    const entry = this.entries.get(status.name);
    if (!entry || entry.lastStatus !== status) return undefined;
    return { outcome: entry.lastOutcome!, finishedAt: entry.lastFinishedAt! };
  }

  /** Names of the registered checks a selection covers, in registration order. */
  select(selection: CheckSelection = {}): string[] {
    return [...this.entries.values()]
      .filter((entry) => selects(selection, entry.check))
      .map((entry) => entry.check.name);
  }

  /**
   * Whether startup is over for status changes: every indicator says it has settled (its
   * `settled()`), or `startupGraceMs` has passed since the engine was made. Once true, stays true.
   */
  get settled(): boolean {
    if (this.settledAt !== undefined) return true;
    const now = this.options.clock.monotonicMs();
    const graceOver = now - this.bootAt >= this.options.startupGraceMs;
    if (graceOver || [...this.entries.values()].every((e) => indicatorSettled(e.check))) {
      this.settledAt = now;
    }
    return this.settledAt !== undefined;
  }

  /** The last finished status of a component, without running anything. */
  getLastStatus(name: string): ComponentStatus | undefined {
    return this.lastStatuses.get(name);
  }

  /**
   * Whether the component's last known status is HEALTHY. Runs nothing: unknown (never
   * evaluated, or not registered) is not healthy.
   */
  isHealthy(name: string): boolean {
    return this.lastStatuses.get(name)?.status === HealthStatus.HEALTHY;
  }

  /** The last finished full report, without running anything. */
  getLastReport(): SystemHealthStatus | undefined {
    return this.lastReport;
  }

  /** Subscribes to every finished report; returns the way to unsubscribe. */
  onReport(listener: ReportListener): Unregister {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Subscribes to every real run of a check (cache hits are not runs). */
  onRun(listener: RunListener): Unregister {
    this.runListeners.add(listener);
    return () => {
      this.runListeners.delete(listener);
    };
  }

  /** Whether a full evaluation has finished since startup (the startup probe's question). */
  get started(): boolean {
    return this.lastReport !== undefined;
  }

  /** Shutdown has begun: readiness must refuse traffic while requests in flight finish. */
  startDraining(): void {
    this.draining = true;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  onApplicationBootstrap(): void {
    for (const name of this.options.enabledComponents ?? []) {
      if (!this.entries.has(name)) {
        this.logger.warn(`Enabled component "${name}" has no registered check`);
      }
    }
    // The first evaluation starts at once so last-known statuses exist before traffic;
    // startup is not delayed by it. Then one every evaluationIntervalMs.
    void this.tick();
    this.watchSettling();
    const interval = this.options.evaluationIntervalMs;
    if (interval > 0 && !this.lifecycle.signal.aborted) {
      this.timer = setInterval(() => void this.tick(), interval);
      // Periodic evaluation alone never keeps a process alive.
      this.timer.unref();
    }
  }

  /**
   * One periodic evaluation: a full report, published as `scheduled`. A tick while a full
   * evaluation is in flight shares it. Never rejects.
   */
  async tick(): Promise<SystemHealthStatus | undefined> {
    if (this.lifecycle.signal.aborted) return undefined;
    this.tickWaiting = true;
    return this.check();
  }

  /**
   * While some indicator is still settling (a client connecting at boot), looks again every
   * 100 ms; once all have, evaluates at once, so the baseline is the settled state and not
   * the first evaluation that ran before, nor one a whole interval later.
   */
  private watchSettling(): void {
    if (this.settled) return;
    this.settling = setInterval(() => {
      if (this.lifecycle.signal.aborted || !this.settled) return;
      clearInterval(this.settling);
      void this.tick();
    }, SETTLE_POLL_MS);
    this.settling.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    clearInterval(this.settling);
    this.draining = true;
    this.lifecycle.abort();
    this.deadlines.shutdown();
    this.listeners.clear();
    this.runListeners.clear();
  }

  /**
   * A check's thresholds: the indicator's own values, overridden key by key by the options, the
   * file and runtime values; the source is the highest layer that set one.
   */
  private thresholdsOf(
    check: HealthCheckDefinition,
    options: RegisterOptions,
  ): ConfigValue<Readonly<Record<string, number>>> {
    const { name } = check;
    const layers: [ConfigSource, Readonly<Record<string, number>> | undefined][] = [
      ['code', check.tunableThresholds?.defaults],
      ['code', options.thresholds],
      [this.sourceOf(`components.${name}.thresholds`), this.options.components[name]?.thresholds],
      ['file', this.fileLayer.checks.get(name)?.thresholds],
      ['runtime', this.layer.checks.get(name)?.thresholds],
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

  private resolve(check: HealthCheckDefinition, options: RegisterOptions): ResolvedCheck {
    const value = <K extends TunableCheckKey>(key: K) => this.layered(check, options, key).value;
    const abortable =
      this.options.components[check.name]?.abortable ?? options.abortable ?? check.abortable;
    if (abortable === undefined && check.check.length > 0) {
      this.logger.warn(
        `Health check "${check.name}" declares a signal parameter but is not abortable: its signal never aborts (set abortable: true to get one that does)`,
      );
    }
    return {
      name: check.name,
      indicator: check,
      timeoutMs: value('timeoutMs'),
      retries: value('retries'),
      critical: value('critical'),
      cacheTtlMs: value('cacheTtlMs'),
      failureCacheTtlMs: value('failureCacheTtlMs'),
      tags: [...value('tags')],
      abortable: abortable ?? false,
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
   * One setting of a check and where it comes from, first found wins: the runtime layer, the
   * operator's per-component settings (module options or environment), the registration, the
   * indicator's own field, the runtime defaults, the module defaults, the code's default.
   */
  private layered<K extends TunableCheckKey>(
    check: HealthCheckDefinition,
    options: RegisterOptions,
    key: K,
  ): ConfigValue<NonNullable<HealthCheckOptions[K]>> {
    type V = NonNullable<HealthCheckOptions[K]>;
    if (key === 'thresholds') return this.thresholdsOf(check, options) as ConfigValue<V>;
    const runtime = this.layer.checks.get(check.name)?.[key];
    if (runtime !== undefined) return { value: runtime as V, source: 'runtime' };
    const file = this.fileLayer.checks.get(check.name)?.[key];
    if (file !== undefined) return { value: file as V, source: 'file' };
    const operator = this.options.components[check.name]?.[key];
    if (operator !== undefined) {
      return { value: operator as V, source: this.sourceOf(`components.${check.name}.${key}`) };
    }
    const own = options[key] ?? check[key];
    if (own !== undefined) return { value: own as V, source: 'code' };
    if ((TUNABLE_DEFAULT_KEYS as readonly string[]).includes(key)) {
      return this.defaultValue(key as TunableDefaultKey) as ConfigValue<V>;
    }
    return {
      value: (CHECK_DEFAULTS as Record<string, unknown>)[key] as V,
      source: 'default',
    };
  }

  private defaultValue(key: TunableDefaultKey): ConfigValue<number> {
    const runtime = this.layer.defaults[key];
    if (runtime !== undefined) return { value: runtime, source: 'runtime' };
    const file = this.fileLayer.defaults[key];
    if (file !== undefined) return { value: file, source: 'file' };
    const option = DEFAULT_OPTION[key];
    const given = this.moduleOptions[option];
    return {
      value: this.options.defaults[key],
      source: given === undefined ? 'default' : this.sourceOf(option),
    };
  }

  private sourceOf(path: string): ConfigSource {
    return this.moduleOptions.configSources?.[path] ?? 'options';
  }

  /** The effective configuration of the engine and of every registered check, with sources. */
  configuration(): HealthConfiguration {
    const defaults = Object.fromEntries(
      TUNABLE_DEFAULT_KEYS.map((key) => [key, this.defaultValue(key)]),
    ) as HealthConfiguration['defaults'];
    const checks: Record<string, CheckConfiguration> = {};
    for (const [name, entry] of this.entries) {
      checks[name] = Object.fromEntries(
        TUNABLE_CHECK_KEYS.map((key) => [
          key,
          this.layered(entry.definition, entry.registerOptions, key),
        ]),
      ) as CheckConfiguration;
    }
    return { version: this.configurationVersion, defaults, checks };
  }

  /**
   * Applies a JSON merge patch to the runtime layer, validated like startup settings and all or
   * nothing: a bad value throws a `HealthConfigurationError` naming its field and changes nothing.
   * Effective from the next evaluation (cached results of a changed check are dropped); announced
   * to `onConfigChange` listeners. A patch that changes nothing bumps nothing.
   */
  applyConfiguration(patch: unknown, who: ConfigChangeOrigin = {}): ConfigChangeEvent {
    const parsed = parsePatch(patch, { quote: who.quote ?? true });
    return this.commit('runtime', mergePatch(this.layer, parsed), who);
  }

  /**
   * What `applyConfiguration(patch)` would change, validated the same way (a bad value throws a
   * `HealthConfigurationError` naming its field), without changing anything: a dry run.
   */
  previewConfiguration(patch: unknown, who: ConfigChangeOrigin = {}): ConfigChangeEvent {
    const parsed = parsePatch(patch, { quote: who.quote ?? true });
    return this.commit('runtime', mergePatch(this.layer, parsed), {}, true);
  }

  /**
   * Replaces the file layer with this content (the whole file, not a patch): same shape, same
   * validation (never quoting the file's values), all or nothing. A check it names that is not
   * registered is not applied; it is listed in `unregistered`, and applies if such a check is
   * registered later. Runtime values still win over the file's.
   */
  loadConfigurationFile(content: unknown, who: ConfigChangeOrigin = {}): FileLoadEvent {
    const next = mergePatch(EMPTY_LAYER, parsePatch(content, { quote: false }));
    const event = this.commit('file', next, { ...who, quote: false });
    return { ...event, unregistered: [...next.checks.keys()].filter((n) => !this.entries.has(n)) };
  }

  private commit(
    source: 'runtime' | 'file',
    next: ConfigLayer,
    who: ConfigChangeOrigin,
    dryRun = false,
  ): ConfigChangeEvent {
    if (source === 'runtime') this.requireRegistered(next);
    const before = this.configuration();
    const previous = { runtime: this.layer, file: this.fileLayer };
    if (source === 'runtime') this.layer = next;
    else this.fileLayer = next;
    const resolved = new Map<string, ResolvedCheck>();
    try {
      for (const [name, entry] of this.entries) {
        const check = this.resolve(entry.definition, entry.registerOptions);
        this.checkThresholds(entry.definition, check.thresholds);
        resolved.set(name, check);
      }
      requireReadiness(this.entries, resolved);
    } catch (error) {
      this.layer = previous.runtime;
      this.fileLayer = previous.file;
      throw error;
    }
    const changes = diff(before, this.configuration());
    if (dryRun) {
      this.layer = previous.runtime;
      this.fileLayer = previous.file;
    }
    if (changes.length === 0 || dryRun) {
      return {
        version: this.configurationVersion + (dryRun && changes.length > 0 ? 1 : 0),
        changes,
        source,
      };
    }
    for (const [name, entry] of this.entries) {
      if (changes.some((c) => c.path.startsWith(`checks.${name}.`))) {
        entry.check = resolved.get(name)!;
        entry.cached = undefined;
        entry.definition.tunableThresholds?.apply(entry.check.thresholds);
      }
    }
    this.configurationVersion++;
    const actor = sanitizeActor(who.actor);
    const event: ConfigChangeEvent = {
      version: this.configurationVersion,
      changes,
      source,
      ...(actor ? { actor } : {}),
    };
    this.notify(this.configListeners, event);
    return event;
  }

  /**
   * At runtime, what a patch sets must name a registered check (an old value of a check since
   * unregistered does not block every later change).
   */
  private requireRegistered(next: ConfigLayer): void {
    for (const [name, values] of next.checks) {
      if (this.entries.has(name) || same(values, this.layer.checks.get(name))) continue;
      throw new HealthConfigurationError(`checks.${name}`, name, 'the name of a registered check');
    }
  }

  /** The configuration version: 1 at startup, bumped by every applied change. */
  get configVersion(): number {
    return this.configurationVersion;
  }

  /** Configuration reloads that failed (a bad file) since startup. */
  get configReloadFailures(): number {
    return this.reloadFailures;
  }

  /** Counts a configuration reload that failed (the configuration file watcher calls it). */
  noteConfigReloadFailure(): void {
    this.reloadFailures++;
  }

  /** Drops every runtime value: the file, environment, options and defaults show again. */
  resetConfiguration(who: ConfigChangeOrigin = {}): ConfigChangeEvent {
    return this.commit('runtime', EMPTY_LAYER, who);
  }

  /** Subscribes to applied configuration changes. */
  onConfigChange(listener: (event: ConfigChangeEvent) => void): Unregister {
    this.configListeners.add(listener);
    return () => {
      this.configListeners.delete(listener);
    };
  }

  private async evaluate(selection: CheckSelection, full: boolean): Promise<SystemHealthStatus> {
    // Whether startup had settled when the checks started: a report of results gathered before
    // (a cache still connecting) is no baseline, even if it finishes after.
    const settled = this.settled;
    const entries = [...this.entries.values()].filter((entry) => selects(selection, entry.check));
    const components = await Promise.all(entries.map((entry) => this.run(entry)));
    // Every result came unchanged from cache: that is the last report, and listeners have it.
    if (full && this.lastReport && sameStatuses(this.lastReport.components, components)) {
      this.tickWaiting = false;
      return this.lastReport;
    }
    const report: SystemHealthStatus = {
      // Shadow checks are shown, never counted.
      overall_status: aggregateStatus(
        components
          .map((c, i) => ({
            status: c.status,
            critical: entries[i].check.critical,
            shadow: c.shadow,
          }))
          .filter((c) => !c.shadow),
      ),
      components,
      timestamp: this.options.clock.epochMs() / 1000,
    };
    const scheduled = full && this.tickWaiting;
    if (full) {
      this.lastReport = report;
      this.tickWaiting = false;
    }
    this.publish(report, { full, scheduled, settled });
    return report;
  }

  private run(entry: Entry): Promise<ComponentStatus> {
    const { clock } = this.options;
    if (entry.cached && entry.cached.expiresAt > clock.monotonicMs()) {
      return Promise.resolve(entry.cached.status);
    }
    entry.inFlight ??= runCheck(entry.check, this.context).then((run) => {
      const { status, held } = applyPolicy(entry.check, run, entry.policy);
      entry.inFlight = undefined;
      // Plain fields, not a WeakMap keyed by status: that doubled the engine's cost per check.
      entry.lastStatus = status;
      // A result held back by failuresBeforeUnhealthy is not yet a verdict: no timeout to count.
      entry.lastOutcome = held ? 'ok' : run.outcome;
      entry.lastFinishedAt = clock.monotonicMs();
      // A run of a check since removed or replaced is not news about the current one.
      const current = this.entries.get(entry.check.name) === entry;
      if (current) this.notify(this.runListeners, run);
      const { cacheTtlMs, failureCacheTtlMs } = entry.check;
      // A failure is reused for less long than a success: a recovery must show soon.
      const ttl =
        status.status === HealthStatus.HEALTHY
          ? cacheTtlMs
          : Math.min(cacheTtlMs, failureCacheTtlMs);
      if (ttl > 0) entry.cached = { status, expiresAt: clock.monotonicMs() + ttl };
      if (current) this.lastStatuses.set(entry.check.name, status);
      return status;
    });
    return entry.inFlight;
  }

  private publish(report: SystemHealthStatus, info: ReportInfo): void {
    for (const listener of this.listeners) this.notify([listener], report, info);
  }

  /** Calls listeners so that a failing one is logged and never reaches the caller. */
  private notify<A extends unknown[]>(
    listeners: Iterable<(...args: A) => unknown>,
    ...args: A
  ): void {
    for (const listener of listeners) {
      try {
        const result = listener(...args);
        if (result instanceof Promise) result.catch((error: unknown) => this.listenerFailed(error));
      } catch (error) {
        this.listenerFailed(error);
      }
    }
  }

  private listenerFailed(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.logger.error(`A health listener failed: ${this.context.redactor.text(message)}`);
  }
}

/** The checks readiness covers: the active ones tagged `ready` if any, else the active critical ones. */
function readinessCovers(checks: Iterable<ResolvedCheck>): string[] {
  const active = [...checks].filter((check) => check.enabled && check.mode === 'active');
  const tagged = active.filter((check) => check.tags.includes(READINESS_TAG));
  return (tagged.length > 0 ? tagged : active.filter((check) => check.critical)).map((c) => c.name);
}

/** Refuses a change that would leave readiness covering no check when it covered some. */
function requireReadiness(
  entries: ReadonlyMap<string, Entry>,
  resolved: ReadonlyMap<string, ResolvedCheck>,
): void {
  const before = readinessCovers([...entries.values()].map((entry) => entry.check));
  if (before.length === 0 || readinessCovers(resolved.values()).length > 0) return;
  throw new HealthConfigurationError(
    'checks',
    new Described('this change leaves readiness no check'),
    `at least one of ${before.slice(0, 10).join(', ')}${before.length > 10 ? ', …' : ''} to stay enabled, active, and critical or tagged "${READINESS_TAG}"`,
  );
}

function selectionKey({ tags, criticalOnly, exclude }: CheckSelection): string {
  return JSON.stringify({
    ...(tags?.length ? { tags: [...tags].sort() } : {}),
    ...(criticalOnly ? { criticalOnly: true } : {}),
    ...(exclude?.length ? { exclude: [...exclude].sort() } : {}),
  });
}

function selects({ tags, criticalOnly, exclude }: CheckSelection, check: ResolvedCheck): boolean {
  // A paused check is in no evaluation; a shadow check in no readiness-style selection.
  if (!check.enabled || exclude?.includes(check.name)) return false;
  if (check.mode === 'shadow' && (criticalOnly || tags?.length)) return false;
  if (criticalOnly && !check.critical) return false;
  return !tags?.length || tags.some((tag) => check.tags.includes(tag));
}

function sameStatuses(a: readonly ComponentStatus[], b: readonly ComponentStatus[]): boolean {
  return a.length === b.length && a.every((status, i) => status === b[i]);
}
