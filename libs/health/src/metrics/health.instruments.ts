import type { Metric, Registry } from 'prom-client';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { RunOutcome } from '../core/check-runner';
import type { ComponentStatus, HealthStatus } from '../core/health-status';
import { HEALTH_STATUSES } from '../core/health-status';
import { HEALTH_CHECK_DURATION_BUCKETS, HEALTH_METRIC_NAMES as NAMES } from './metrics.constants';
import { attachMetrics, detachMetrics } from '../shared/registry-attachment';

/**
 * The five health metrics of one engine. They are built outside any registry and attached to
 * one for the lifetime of a module, so a closed app leaves nothing behind.
 */
export class HealthInstruments {
  private readonly componentStatus = new Gauge({
    name: NAMES.componentStatus,
    help: 'Current state of each health component: 1 for its state, 0 for the others.',
    labelNames: ['component', 'state'] as const,
    registers: [],
  });
  private readonly overallStatus = new Gauge({
    name: NAMES.overallStatus,
    help: 'Current state of the system from the last full health report: 1 for its state.',
    labelNames: ['state'] as const,
    registers: [],
  });
  private readonly duration = new Histogram({
    name: NAMES.checkDuration,
    help: 'Duration of health check runs in seconds, retries included (cache hits excluded).',
    labelNames: ['component'] as const,
    buckets: [...HEALTH_CHECK_DURATION_BUCKETS],
    registers: [],
  });
  private readonly runs = new Counter({
    name: NAMES.checkRuns,
    help: 'Health check runs by resulting status (cache hits excluded).',
    labelNames: ['component', 'status'] as const,
    registers: [],
  });
  private readonly timeouts = new Counter({
    name: NAMES.checkTimeouts,
    help: 'Health check runs that timed out.',
    labelNames: ['component'] as const,
    registers: [],
  });
  private readonly known = new Set<string>();
  private readonly states = new Map<string, HealthStatus>();
  private overall?: HealthStatus;

  /**
   * Registers the metrics, taking over names another instance left in the registry (a
   * previous app in the same process): registering twice must not throw. Returns those names.
   */
  attach(registry: Registry): string[] {
    return attachMetrics(registry, this.named());
  }

  /** Removes the metrics that are still this instance's from the registry. */
  detach(registry: Registry): void {
    detachMetrics(registry, this.named());
  }

  setComponent(component: string, state: HealthStatus): void {
    this.ensure(component);
    // Rewriting three unchanged series per component on every report was a hot spot.
    if (this.states.get(component) === state) return;
    this.states.set(component, state);
    setStates(this.componentStatus, { component }, state);
  }

  setOverall(state: HealthStatus): void {
    if (this.overall === state) return;
    this.overall = state;
    setStates(this.overallStatus, {}, state);
  }

  recordRun(status: ComponentStatus, outcome: RunOutcome): void {
    const component = status.name;
    this.setComponent(component, status.status);
    this.duration.observe({ component }, status.response_time_ms / 1000);
    this.runs.inc({ component, status: status.status });
    if (outcome === 'timeout') this.timeouts.inc({ component });
  }

  /** Components with series, in the order they were first seen. */
  components(): string[] {
    return [...this.known];
  }

  /** Drops every series of a component, so dashboards show no ghosts. */
  removeComponent(component: string): void {
    this.known.delete(component);
    this.states.delete(component);
    for (const state of HEALTH_STATUSES) {
      this.componentStatus.remove({ component, state });
      this.runs.remove({ component, status: state });
    }
    this.duration.remove({ component });
    this.timeouts.remove({ component });
  }

  /** Creates a component's series at zero, so they exist before the first run or timeout. */
  private ensure(component: string): void {
    if (this.known.has(component)) return;
    this.known.add(component);
    this.duration.zero({ component });
    this.timeouts.inc({ component }, 0);
    for (const status of HEALTH_STATUSES) this.runs.inc({ component, status }, 0);
  }

  private named(): [string, Metric][] {
    return [
      [NAMES.componentStatus, this.componentStatus],
      [NAMES.overallStatus, this.overallStatus],
      [NAMES.checkDuration, this.duration],
      [NAMES.checkRuns, this.runs],
      [NAMES.checkTimeouts, this.timeouts],
    ];
  }
}

/** StateSet: one series per state, 1 for the current one, so label values never churn. */
function setStates(gauge: Gauge, labels: Record<string, string>, current: HealthStatus): void {
  for (const state of HEALTH_STATUSES) {
    gauge.set({ ...labels, state }, state === current ? 1 : 0);
  }
}
