import { MemoryStore } from './memory.store';

describe('MemoryStore', () => {
  it('returns what was set until it expires', () => {
    let now = 0;
    const store = new MemoryStore(10, () => now);
    store.set('k', 'v', 1000);
    expect(store.get('k')).toBe('v');
    now = 1000;
    expect(store.get('k')).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it('stays within its bound by dropping the oldest entry', () => {
    const store = new MemoryStore(2);
    store.set('a', '1', 10_000);
    store.set('b', '2', 10_000);
    store.set('a', '1b', 10_000); // rewriting makes it the newest
    store.set('c', '3', 10_000);
    expect(store.size).toBe(2);
    expect(store.get('b')).toBeUndefined();
    expect(store.get('a')).toBe('1b');
    store.delete('a');
    expect(store.get('a')).toBeUndefined();
  });

  it('stays within its bound of characters, dropping the oldest, and keeps no value over it', () => {
    const store = new MemoryStore(100, Date.now, 10);
    store.set('a', '1234', 10_000);
    store.set('b', '5678', 10_000);
    store.set('c', '90', 10_000);
    expect([store.get('a'), store.get('b'), store.get('c')]).toEqual(['1234', '5678', '90']);
    store.set('d', 'xyz', 10_000); // 13 characters: a goes
    expect(store.get('a')).toBeUndefined();
    expect(store.size).toBe(3);
    store.set('b', 'a'.repeat(11), 10_000); // longer than the bound: not kept, old b gone too
    expect(store.get('b')).toBeUndefined();
    expect([store.get('c'), store.get('d')]).toEqual(['90', 'xyz']);
    store.set('e', 'a'.repeat(10), 10_000);
    expect(store.size).toBe(1);
  });
});
