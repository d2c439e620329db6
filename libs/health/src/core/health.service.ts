import type { OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { setMaxListeners } from 'node:events';
import { MODULE_OPTIONS_TOKEN } from '../health.module-definition';
import type { HealthModuleOptions, ResolvedHealthOptions } from '../health.options';
import {
  BUILT_IN_COMPONENTS,
  resolveHealthOptions,
  validateCheckOptions,
  validateDefinition,
} from '../health.options';
import { aggregateStatus } from './aggregate';
import type { ResolvedCheck, RunContext } from './check-runner';
import { runCheck } from './check-runner';
import { DuplicateHealthCheckError, UnknownComponentError } from './errors';
import type {
  HealthCheckDefinition,
  HealthIndicator,
  RegisterOptions,
  Unregister,
} from './health-check';
import type { ComponentStatus, SystemHealthStatus } from './health-status';
import { HealthStatus } from './health-status';
import { Redactor } from './redact';

/** Called with every finished report. Errors it throws are logged, never propagated. */
export type ReportListener = (report: SystemHealthStatus) => void | Promise<void>;

interface Entry {
  readonly check: ResolvedCheck;
  inFlight?: Promise<ComponentStatus>;
  cached?: { status: ComponentStatus; expiresAt: number };
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
  private readonly lifecycle = new AbortController();
  private readonly context: RunContext;
  private lastReport?: SystemHealthStatus;
  private reportInFlight?: Promise<SystemHealthStatus>;

  constructor(@Optional() @Inject(MODULE_OPTIONS_TOKEN) options?: HealthModuleOptions) {
    this.options = resolveHealthOptions(options ?? {});
    // Every check in flight listens for shutdown: as many listeners as checks is expected.
    setMaxListeners(0, this.lifecycle.signal);
    this.context = {
      clock: this.options.clock,
      redactor: new Redactor(this.options.secrets),
      shutdown: this.lifecycle.signal,
    };
    for (const definition of this.options.checks) this.register(definition);
  }

  /** The application version reports are labelled with. */
  get version(): string {
    return this.options.version;
  }

  /** Settings of the legacy endpoint, as resolved from module options. */
  get legacySettings(): ResolvedHealthOptions['legacy'] {
    return this.options.legacy;
  }

  /**
   * Adds a check. A name that is taken is an error unless `replace: true` is given.
   * A built-in component left out of `enabledComponents` is skipped.
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
    if (!this.isEnabled(name)) {
      this.logger.log(`Health check "${name}" is not in the enabled components; skipped`);
      return noop;
    }
    if (this.entries.has(name) && !options.replace) throw new DuplicateHealthCheckError(name);

    const entry: Entry = { check: this.resolve(check, options) };
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
   * Runs every check concurrently and aggregates them. Concurrent callers share one
   * evaluation. Never rejects because of a check.
   */
  check(): Promise<SystemHealthStatus> {
    this.reportInFlight ??= this.evaluate().finally(() => {
      this.reportInFlight = undefined;
    });
    return this.reportInFlight;
  }

  /** Runs one check (sharing an in-flight run or a cached result). Unknown name: `UnknownComponentError`. */
  checkComponent(name: string): Promise<ComponentStatus> {
    const entry = this.entries.get(name);
    if (!entry) return Promise.reject(new UnknownComponentError(name));
    return this.run(entry);
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

  onApplicationBootstrap(): void {
    for (const name of this.options.enabledComponents ?? []) {
      if (!this.entries.has(name)) {
        this.logger.warn(`Enabled component "${name}" has no registered check`);
      }
    }
    // The first evaluation starts at once so last-known statuses exist before traffic;
    // startup is not delayed by it.
    void this.check();
  }

  onModuleDestroy(): void {
    this.lifecycle.abort();
    this.listeners.clear();
  }

  private isEnabled(name: string): boolean {
    const enabled = this.options.enabledComponents;
    return (
      !enabled || enabled.has(name) || !(BUILT_IN_COMPONENTS as readonly string[]).includes(name)
    );
  }

  private resolve(check: HealthCheckDefinition, options: RegisterOptions): ResolvedCheck {
    const defaults = this.options.defaults;
    const own: HealthCheckDefinition = check;
    const operator = this.options.components[check.name] ?? {};
    const pick = <K extends 'timeoutMs' | 'retries' | 'critical' | 'cacheTtlMs' | 'tags'>(key: K) =>
      operator[key] ?? options[key] ?? own[key] ?? defaults[key];
    return {
      name: check.name,
      indicator: check,
      timeoutMs: pick('timeoutMs'),
      retries: pick('retries'),
      critical: pick('critical'),
      cacheTtlMs: pick('cacheTtlMs'),
      tags: [...pick('tags')],
      retryBaseDelayMs: this.options.retryBaseDelayMs,
    };
  }

  private async evaluate(): Promise<SystemHealthStatus> {
    const entries = [...this.entries.values()];
    const components = await Promise.all(entries.map((entry) => this.run(entry)));
    const report: SystemHealthStatus = {
      overall_status: aggregateStatus(
        components.map((c, i) => ({ status: c.status, critical: entries[i].check.critical })),
      ),
      components,
      timestamp: this.options.clock.epochMs() / 1000,
    };
    this.lastReport = report;
    this.publish(report);
    return report;
  }

  private run(entry: Entry): Promise<ComponentStatus> {
    const { clock } = this.options;
    if (entry.cached && entry.cached.expiresAt > clock.monotonicMs()) {
      return Promise.resolve(entry.cached.status);
    }
    entry.inFlight ??= runCheck(entry.check, this.context).then((status) => {
      entry.inFlight = undefined;
      if (entry.check.cacheTtlMs > 0) {
        entry.cached = { status, expiresAt: clock.monotonicMs() + entry.check.cacheTtlMs };
      }
      if (this.entries.get(entry.check.name) === entry) {
        this.lastStatuses.set(entry.check.name, status);
      }
      return status;
    });
    return entry.inFlight;
  }

  private publish(report: SystemHealthStatus): void {
    for (const listener of this.listeners) {
      try {
        const result = listener(report);
        if (result instanceof Promise) result.catch((error: unknown) => this.listenerFailed(error));
      } catch (error) {
        this.listenerFailed(error);
      }
    }
  }

  private listenerFailed(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.logger.error(`A health report listener failed: ${this.context.redactor.text(message)}`);
  }
}
