import type { HealthClock } from '../core/clock';

/** A clock on `Date.now()`, which Jest's (or Sinon's) fake timers control: `{ clock: dateClock }`. */
export const dateClock: HealthClock = {
  monotonicMs: () => Date.now(),
  epochMs: () => Date.now(),
};

/** A clock that moves only when told: `clock.advance(1500)`. */
export class ManualClock implements HealthClock {
  constructor(
    private now = 0,
    private readonly epochStartMs = 1_700_000_000_000,
  ) {}

  monotonicMs(): number {
    return this.now;
  }

  epochMs(): number {
    return this.epochStartMs + this.now;
  }

  advance(ms: number): void {
    this.now += ms;
  }
}
