interface Slot {
  value: string;
  expiresAt: number;
}

export const MAX_MEMORY_ENTRIES = 10_000;
/** The most characters of values kept in all: AI answers may be long, memory is not endless. */
export const MAX_MEMORY_CHARACTERS = 32 * 1024 * 1024;

/**
 * Bounded in-memory key/value store with expiry: at most `maxEntries` entries and
 * `maxCharacters` characters of values; the oldest entries go first when full, and a value
 * longer than the whole bound is not kept.
 */
export class MemoryStore {
  private readonly slots = new Map<string, Slot>();
  private characters = 0;

  constructor(
    private readonly maxEntries = MAX_MEMORY_ENTRIES,
    private readonly now: () => number = Date.now,
    private readonly maxCharacters = MAX_MEMORY_CHARACTERS,
  ) {}

  get size(): number {
    return this.slots.size;
  }

  get(key: string): string | undefined {
    const slot = this.slots.get(key);
    if (!slot) return undefined;
    if (slot.expiresAt <= this.now()) {
      this.delete(key);
      return undefined;
    }
    return slot.value;
  }

  set(key: string, value: string, ttlMs: number): void {
    this.delete(key);
    if (value.length > this.maxCharacters) return;
    while (
      this.slots.size > 0 &&
      (this.slots.size >= this.maxEntries || this.characters + value.length > this.maxCharacters)
    ) {
      const oldest = this.slots.keys().next().value as string;
      this.delete(oldest);
    }
    this.slots.set(key, { value, expiresAt: this.now() + ttlMs });
    this.characters += value.length;
  }

  delete(key: string): void {
    const slot = this.slots.get(key);
    if (!slot) return;
    this.characters -= slot.value.length;
    this.slots.delete(key);
  }
}
