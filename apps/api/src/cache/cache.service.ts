import { Injectable } from '@nestjs/common';

interface Slot {
  value: string;
  expiresAt: number;
}

export const MAX_CACHE_ENTRIES = 10_000;

/**
 * The service's response cache: in memory for now, bounded, entries expire.
 * (The indicators issue puts Redis in front of it.)
 */
@Injectable()
export class CacheService {
  private readonly slots = new Map<string, Slot>();

  constructor(private readonly maxEntries = MAX_CACHE_ENTRIES) {}

  get backend(): 'memory' {
    return 'memory';
  }

  get size(): number {
    return this.slots.size;
  }

  async get(key: string): Promise<string | undefined> {
    const slot = this.slots.get(key);
    if (!slot) return undefined;
    if (slot.expiresAt <= Date.now()) {
      this.slots.delete(key);
      return undefined;
    }
    return slot.value;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.slots.delete(key);
    if (this.slots.size >= this.maxEntries) {
      const oldest = this.slots.keys().next().value;
      if (oldest !== undefined) this.slots.delete(oldest);
    }
    this.slots.set(key, { value, expiresAt: Date.now() + ttlMs });
  }

  async delete(key: string): Promise<void> {
    this.slots.delete(key);
  }
}
