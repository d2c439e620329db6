import type { OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { HealthConfigurationError } from '../shared/errors';
import type { Unregister } from './health-check';
import type { ComponentStatus, SystemHealthStatus } from './health-status';
import { HealthStatus } from './health-status';
import { HealthService } from './health.service';
import { HEALTH_MODULE_OPTIONS } from '../shared/tokens';

export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** What the transition log writes for one change, as JSON fields or as a line of text. */
export interface TransitionLogEntry {
  event: 'health.transition';
  /** The component, or null for the system as a whole. */
  component: string | null;
  from: HealthStatus;
  to: HealthStatus;
  message?: string;
  duration_ms?: number;
}

/**
 * One log line per component status change and one per overall change, from full reports,
 * once startup has settled (the first settled report is the baseline). Failures log as errors,
 * degradations as warnings, recoveries as plain lines. `logFormat: 'json'` logs the fields as an
 * object, for Nest's JSON logger (`new ConsoleLogger({ json: true })`).
 */
@Injectable()
export class TransitionLog implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('HealthTransitions');
  private readonly format: LogFormat;
  private readonly enabled: boolean;
  private previous?: SystemHealthStatus;
  private baselined = false;
  private unsubscribe?: Unregister;

  constructor(
    private readonly health: HealthService,
    @Inject(HEALTH_MODULE_OPTIONS) options: TransitionLogOptions,
  ) {
    const { logTransitions, logFormat } = resolveLogOptions(options ?? {});
    this.enabled = logTransitions;
    this.format = logFormat;
  }

  onModuleInit(): void {
    if (!this.enabled) return;
    this.unsubscribe = this.health.onReport((report, { full, settled }) => {
      if (full) this.observe(report, settled);
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  /** Compares a full report with the previous one; before startup settles, only remembers it. */
  observe(report: SystemHealthStatus, settled: boolean): void {
    const previous = this.previous;
    // The first settled report is the baseline: changes are counted from it.
    const comparable = previous !== undefined && this.baselined && settled;
    this.previous = report;
    this.baselined = settled;
    if (!comparable) return;
    const before = new Map(previous.components.map((c) => [c.name, c.status]));
    for (const component of report.components) {
      const from = before.get(component.name);
      if (from !== undefined && from !== component.status) this.write(entryOf(component, from));
    }
    if (previous.overall_status !== report.overall_status) {
      this.write({
        event: 'health.transition',
        component: null,
        from: previous.overall_status,
        to: report.overall_status,
      });
    }
  }

  private write(entry: TransitionLogEntry): void {
    const level =
      entry.to === HealthStatus.UNHEALTHY
        ? 'error'
        : entry.to === HealthStatus.DEGRADED
          ? 'warn'
          : 'log';
    this.logger[level](this.format === 'json' ? entry : textOf(entry));
  }
}

/** The transition log's own options, validated. */
/** The transition log's options (part of HealthModule's). */
export interface TransitionLogOptions {
  /** One log line per status change of a component or of the system. Default true. */
  logTransitions?: boolean;
  /** `json`: transition lines as objects, for Nest's JSON logger. Default `text`. */
  logFormat?: LogFormat;
}

export function resolveLogOptions(options: TransitionLogOptions): {
  logTransitions: boolean;
  logFormat: LogFormat;
} {
  const { logTransitions = true, logFormat = 'text' } = options;
  if (typeof logTransitions !== 'boolean') {
    throw new HealthConfigurationError('logTransitions', logTransitions, 'true or false');
  }
  if (!(LOG_FORMATS as readonly string[]).includes(logFormat)) {
    throw new HealthConfigurationError('logFormat', logFormat, 'text or json');
  }
  return { logTransitions, logFormat };
}

function entryOf(component: ComponentStatus, from: HealthStatus): TransitionLogEntry {
  return {
    event: 'health.transition',
    component: component.name,
    from,
    to: component.status,
    message: component.message,
    duration_ms: component.response_time_ms,
  };
}

/** `cache: healthy -> degraded (Redis unavailable, serving from memory) in 1.2 ms`. */
export function textOf(entry: TransitionLogEntry): string {
  const who = entry.component ?? 'overall';
  const why = entry.message ? ` (${entry.message})` : '';
  const took = entry.duration_ms === undefined ? '' : ` in ${entry.duration_ms} ms`;
  return `${who}: ${entry.from} -> ${entry.to}${why}${took}`;
}
