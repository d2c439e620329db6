/** Why a wait ended: its deadline passed, or the engine shut down. */
export type WakeReason = 'deadline' | 'shutdown';
type Wake = (reason: WakeReason) => void;

interface Slot {
  readonly timer: NodeJS.Timeout;
  readonly callbacks: Set<Wake>;
}

/**
 * Timers shared by deadline: checks started together with the same timeout share one
 * `setTimeout` instead of arming one each. A slot's timer is cleared once nothing waits on it.
 * Shutdown wakes every wait at once, so a wait needs no listener of its own for it.
 */
export class Deadlines {
  private readonly slots = new Map<number, Slot>();
  private closed = false;

  constructor(private readonly now: () => number) {}

  /** Calls `callback` at monotonic time `at` (ms, rounded up) or at shutdown; returns a cancel. */
  at(at: number, callback: Wake): () => void {
    if (this.closed) {
      callback('shutdown');
      return () => undefined;
    }
    const key = Math.ceil(at);
    let slot = this.slots.get(key);
    if (!slot) {
      const callbacks = new Set<Wake>();
      const timer = setTimeout(() => this.fire(key), Math.max(0, key - this.now()));
      slot = { timer, callbacks };
      this.slots.set(key, slot);
    }
    const { callbacks, timer } = slot;
    callbacks.add(callback);
    return () => {
      if (!callbacks.delete(callback) || callbacks.size > 0) return;
      clearTimeout(timer);
      if (this.slots.get(key)?.callbacks === callbacks) this.slots.delete(key);
    };
  }

  /** Wakes every wait with `shutdown` and clears every timer; later waits wake at once. */
  shutdown(): void {
    this.closed = true;
    const slots = [...this.slots.values()];
    this.slots.clear();
    for (const { timer, callbacks } of slots) {
      clearTimeout(timer);
      for (const callback of callbacks) callback('shutdown');
    }
  }

  private fire(key: number): void {
    const slot = this.slots.get(key);
    this.slots.delete(key);
    for (const callback of slot?.callbacks ?? []) callback('deadline');
  }
}
