import type { CheckRun, RunOutcome } from './check-runner';
import type { SystemHealthStatus } from './health-status';

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
  /** On the engine's monotonic clock. */
  finishedAt: number;
  /** The same moment on the wall clock, in epoch ms. */
  finishedAtEpochMs: number;
}

/** Called with every finished report. Errors it throws are logged, never propagated. */
export type ReportListener = (report: SystemHealthStatus, info: ReportInfo) => void | Promise<void>;

/** Called after every real run of a check (not for results served from cache). */
export type RunListener = (run: CheckRun) => void;
