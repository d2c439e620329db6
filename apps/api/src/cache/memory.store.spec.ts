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
});
