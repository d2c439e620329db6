interface Slot {
  value: string;
  expiresAt: number;
}

export const MAX_MEMORY_ENTRIES = 10_000;

/** Bounded in-memory key/value store with expiry; the oldest entry goes first when full. */
export class MemoryStore {
  private readonly slots = new Map<string, Slot>();

  constructor(
    private readonly maxEntries = MAX_MEMORY_ENTRIES,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.slots.size;
  }

  get(key: string): string | undefined {
    const slot = this.slots.get(key);
    if (!slot) return undefined;
    if (slot.expiresAt <= this.now()) {
      this.slots.delete(key);
      return undefined;
    }
    return slot.value;
  }

  set(key: string, value: string, ttlMs: number): void {
    this.slots.delete(key);
    if (this.slots.size >= this.maxEntries) {
      const oldest = this.slots.keys().next().value;
      if (oldest !== undefined) this.slots.delete(oldest);
    }
    this.slots.set(key, { value, expiresAt: this.now() + ttlMs });
  }

  delete(key: string): void {
    this.slots.delete(key);
  }
}
