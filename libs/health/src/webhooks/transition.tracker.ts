import type { HealthClock } from '../core/clock';
import type { HealthStatus, SystemHealthStatus } from '../core/health-status';

/** A status change worth announcing: `component` is null for the system as a whole. */
export interface Transition {
  component: string | null;
  previous: HealthStatus;
  current: HealthStatus;
}

export interface DampingOptions {
  /** Evaluations in a row a new status must hold before it is announced. */
  minConsecutive: number;
  /** Least time between two announcements of one component (or of the system), in ms. */
  cooldownMs: number;
}

interface Track {
  /** What receivers last heard (or the baseline, the first status seen). */
  announced: HealthStatus;
  /** A status other than `announced`, and for how many evaluations in a row it has held. */
  candidate?: HealthStatus;
  streak: number;
  announcedAt?: number;
}

/**
 * Turns full reports into announced transitions. The first status seen of the system or of a
 * component is its baseline, not news. A new status is announced once it has held
 * `minConsecutive` evaluations in a row, and at most once per `cooldownMs` per component: a
 * transition confirmed during the cooldown waits, and is announced at the first evaluation
 * after the cooldown if the status still differs from the one announced last. No timers: time
 * only matters when an evaluation happens.
 */
export class TransitionTracker {
  private readonly tracks = new Map<string | null, Track>();

  constructor(
    private readonly options: DampingOptions,
    private readonly clock: HealthClock,
  ) {}

  /**
   * The transitions this report confirms. Before startup has settled (`settled` false: a client
   * still connecting at boot) a report is no baseline at all: the first settled one is.
   */
  observe(report: SystemHealthStatus, settled = true): Transition[] {
    if (!settled) {
      this.tracks.clear();
      return [];
    }
    const now = this.clock.monotonicMs();
    const seen = new Set<string | null>([null]);
    const transitions = [this.step(null, report.overall_status, now)];
    for (const { name, status } of report.components) {
      seen.add(name);
      transitions.push(this.step(name, status, now));
    }
    // A removed component is forgotten: if it comes back, its first status is a new baseline.
    for (const key of this.tracks.keys()) if (!seen.has(key)) this.tracks.delete(key);
    return transitions.filter((t): t is Transition => t !== undefined);
  }

  private step(component: string | null, status: HealthStatus, now: number) {
    const track = this.tracks.get(component);
    if (!track) {
      this.tracks.set(component, { announced: status, streak: 0 });
      return undefined;
    }
    if (status === track.announced) {
      track.candidate = undefined;
      track.streak = 0;
      return undefined;
    }
    track.streak = status === track.candidate ? track.streak + 1 : 1;
    track.candidate = status;
    if (track.streak < this.options.minConsecutive || this.coolingDown(track, now)) {
      return undefined;
    }
    const transition: Transition = { component, previous: track.announced, current: status };
    Object.assign(track, { announced: status, candidate: undefined, streak: 0, announcedAt: now });
    return transition;
  }

  private coolingDown(track: Track, now: number): boolean {
    return track.announcedAt !== undefined && now - track.announcedAt < this.options.cooldownMs;
  }
}
