import type { OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { UnknownComponentError } from '../shared/errors';
import { Redactor } from '../shared/redact';
import { applyPolicy } from './check-policy';
import type { Entry } from './check-registry';
import type { CheckSelection } from './selection';
import { selectionKey, selects } from './selection';
import type { ReportInfo, ReportListener, RunFacts, RunListener } from './report-events';
import { CheckRegistry, indicatorSettled } from './check-registry';
import type { RunContext } from './check-runner';
import { runCheck } from './check-runner';
import type { HealthClock } from './clock';
import { Deadlines } from './deadlines';
import { evaluationAge } from './evaluation-age';
import { knownStatus, reportOf, sameStatuses } from './last-known';
import { callListeners } from './listeners';
import { startupWarnings } from './startup-warnings';
import { within } from './within';
import type { HealthEngineOptions, ResolvedEngineOptions } from './engine.options';
import { ENGINE_OPTIONS, resolveEngineOptions } from './engine.options';
import type {
  HealthCheckDefinition,
  HealthIndicator,
  RegisterOptions,
  Unregister,
} from './health-check';
import type { ComponentStatus, SystemHealthStatus } from './health-status';
import { HealthStatus } from './health-status';

const FULL = '{}';

/** How often the engine looks whether indicators have settled, during startup. */
const SETTLE_POLL_MS = 100;

/**
 * The one engine: the registered checks, a runner that isolates them, single-flight and result
 * caching, aggregation, the periodic evaluation, the last known status of every component, and
 * report events. Domain services inject it to ask about health.
 */
@Injectable()
export class HealthService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(HealthService.name);
  private readonly options: ResolvedEngineOptions;
  /** @internal The checks and their settings: the runtime configuration module changes them. */
  readonly registry: CheckRegistry;
  private readonly entries: ReadonlyMap<string, Entry>;
  private readonly lastStatuses = new Map<string, ComponentStatus>();
  private readonly listeners = new Set<ReportListener>();
  private readonly runListeners = new Set<RunListener>();
  private readonly lifecycle = new AbortController();
  private readonly deadlines: Deadlines;
  private readonly context: RunContext;
  private readonly inFlight = new Map<string, Promise<SystemHealthStatus>>();
  private lastReport?: SystemHealthStatus;
  private draining = false;
  /** The periodic evaluation's timer, once made (registered in `SchedulerRegistry` when there is one). */
  private timer?: NodeJS.Timeout;
  /** When the last periodic evaluation (a `tick()`, the engine's own or the app's) finished. */
  private lastTickAt?: number;
  /** A periodic tick waits on the full evaluation in flight: that report counts as scheduled. */
  private tickWaiting = false;
  private readonly bootAt: number;
  private settledAt?: number;
  private settling?: NodeJS.Timeout;

  constructor(@Optional() @Inject(ENGINE_OPTIONS) options?: HealthEngineOptions) {
    this.options = resolveEngineOptions(options ?? {});
    this.registry = new CheckRegistry(this.options, options ?? {}, this.logger, (name) =>
      this.lastStatuses.delete(name),
    );
    this.entries = this.registry.entries;
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
    return this.registry.register(check, options);
  }

  /** Removes the check with this name; returns whether there was one. */
  unregister(name: string): boolean {
    return this.registry.unregister(name);
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

  /** @internal Whether any registered check carries this tag (readiness asks). */
  hasTag(tag: string): boolean {
    // A paused or shadow check selects nothing: readiness must not fall back on none at all.
    return [...this.entries.values()].some(
      ({ check }) => check.enabled && check.mode === 'active' && check.tags.includes(tag),
    );
  }

  /** Runs one check (sharing an in-flight run or a cached result). Unknown name: `UnknownComponentError`. */
  checkComponent(name: string): Promise<ComponentStatus> {
    const entry = this.entries.get(name);
    if (!entry) return Promise.reject(new UnknownComponentError(name));
    return this.run(entry);
  }

  /**
   * A report within `budgetMs` (default `responseBudgetMs`), whatever the dependencies do: the evaluation's when it finishes
   * in time; else, while it goes on, the last known state (`lastKnown: true`): each check's last
   * result, or UNHEALTHY for one with no answer yet or none for three evaluation intervals and
   * its timeout.
   */
  async checkWithin(
    selection: CheckSelection = {},
    budgetMs = this.options.responseBudgetMs,
  ): Promise<SystemHealthStatus> {
    const report = await within(this.check(selection), budgetMs);
    if (report) return report;
    const entries = [...this.entries.values()].filter((entry) => selects(selection, entry.check));
    const known = entries.map((entry) => this.lastKnown(entry));
    return { ...reportOf(entries, known, this.options.clock.epochMs() / 1000), lastKnown: true };
  }

  /** One check's status within `budgetMs`, as `checkWithin` answers for a report. */
  async checkComponentWithin(
    name: string,
    budgetMs = this.options.responseBudgetMs,
  ): Promise<ComponentStatus> {
    return (await this.componentWithin(name, budgetMs)).status;
  }

  /** @internal `checkComponentWithin`, saying whether the answer is the last known state. */
  async componentWithin(
    name: string,
    budgetMs = this.options.responseBudgetMs,
  ): Promise<{ status: ComponentStatus; lastKnown: boolean }> {
    const entry = this.entries.get(name);
    if (!entry) throw new UnknownComponentError(name);
    const status = await within(this.run(entry), budgetMs);
    return status
      ? { status, lastKnown: false }
      : { status: this.lastKnown(entry), lastKnown: true };
  }

  /** What an answer past its budget shows for `entry`: its last result, or unknown (`knownStatus`). */
  private lastKnown(entry: Entry): ComponentStatus {
    return knownStatus(entry, this.options.clock.monotonicMs(), this.options.evaluationIntervalMs);
  }

  /**
   * @internal How the run behind this status ended and when: for the latest status of a registered check
   * (the one reports and `getLastStatus` hold); undefined for any other.
   */
  runOf(status: ComponentStatus): RunFacts | undefined {
    const entry = this.entries.get(status.name);
    if (!entry || entry.lastStatus !== status) return undefined;
    const finishedAt = entry.lastFinishedAt!;
    const { clock } = this.options;
    const finishedAtEpochMs = clock.epochMs() - (clock.monotonicMs() - finishedAt);
    return { outcome: entry.lastOutcome!, finishedAt, finishedAtEpochMs };
  }

  /**
   * @internal Whether startup is over for status changes: every indicator says it has settled (its
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

  /** @internal Subscribes to every real run of a check (cache hits are not runs). */
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

  /** @internal Shutdown has begun: readiness must refuse traffic while requests in flight finish. */
  startDraining(): void {
    this.draining = true;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  onApplicationBootstrap(): void {
    for (const warning of startupWarnings(this.options, (name) => this.entries.has(name))) {
      this.logger.warn(warning);
    }
    // The first evaluation starts at once so last-known statuses exist before traffic;
    // startup is not delayed by it. Then one every evaluationIntervalMs.
    void this.tick();
    this.watchSettling();
    this.scheduleEvaluations();
  }

  /**
   * @internal The periodic evaluation's timer: made once, on the first call (at bootstrap), every
   * `evaluationIntervalMs`; undefined when that is 0 or the engine is shut down.
   */
  scheduleEvaluations(): NodeJS.Timeout | undefined {
    const interval = this.options.evaluationIntervalMs;
    if (this.timer || interval <= 0 || this.lifecycle.signal.aborted) return this.timer;
    this.timer = setInterval(() => void this.tick(), interval);
    // Periodic evaluation alone never keeps a process alive.
    this.timer.unref();
    return this.timer;
  }

  /**
   * How the periodic evaluation is doing: its interval (0: the app drives it, or nothing does),
   * how long ago the last one finished (undefined: none yet), and whether it is overdue: none for
   * two intervals and the longest check timeout (stopped in `SchedulerRegistry`, or a hung timer).
   */
  get evaluationSchedule(): {
    readonly intervalMs: number;
    readonly ageMs: number | undefined;
    readonly overdue: boolean;
  } {
    const longest = Math.max(0, ...[...this.entries.values()].map((e) => e.check.timeoutMs));
    const now = this.options.clock.monotonicMs();
    const times = { nowMs: now, lastAtMs: this.lastTickAt, bootAtMs: this.bootAt };
    return evaluationAge(this.options.evaluationIntervalMs, times, longest);
  }

  /**
   * One periodic evaluation: a full report, published as `scheduled` (trends sample it). The
   * engine's own timer calls it every `evaluationIntervalMs`; an app that drives the schedule
   * itself (`evaluationIntervalMs: 0`, or a job of its own in `SchedulerRegistry`) calls it too.
   * A tick while a full evaluation is in flight shares it. Never rejects.
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

  private async evaluate(selection: CheckSelection, full: boolean): Promise<SystemHealthStatus> {
    // Whether startup had settled when the checks started: a report of results gathered before
    // (a cache still connecting) is no baseline, even if it finishes after.
    const settled = this.settled;
    const entries = [...this.entries.values()].filter((entry) => selects(selection, entry.check));
    const components = await Promise.all(entries.map((entry) => this.run(entry)));
    const scheduled = full && this.tickWaiting;
    if (scheduled) {
      this.lastTickAt = this.options.clock.monotonicMs();
      this.tickWaiting = false;
    }
    // Every result came unchanged from cache: that is the last report, and listeners have it.
    if (full && this.lastReport && sameStatuses(this.lastReport.components, components)) {
      return this.lastReport;
    }
    const report = reportOf(entries, components, this.options.clock.epochMs() / 1000);
    if (full) this.lastReport = report;
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
      if (current) callListeners(this.runListeners, [run], this.listenerFailed);
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
    callListeners(this.listeners, [report, info], this.listenerFailed);
  }

  /** A listener's throw or rejection is logged (masked), never passed on. */
  private readonly listenerFailed = (error: unknown): void => {
    const message = error instanceof Error ? error.message : String(error);
    this.logger.error(`A health listener failed: ${this.context.redactor.text(message)}`);
  };
}
