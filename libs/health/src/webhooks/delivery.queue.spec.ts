import type { DeliveryResult } from './webhook.constants';
import type { OutgoingEvent } from './webhook.event';
import { DeliveryQueue } from './delivery.queue';

/** A delivery the test settles by hand. */
interface Pending {
  event: OutgoingEvent;
  resolve: () => void;
  reject: (error: unknown) => void;
}

describe('DeliveryQueue', () => {
  let sent: Pending[];
  let results: [DeliveryResult, string | undefined][];
  let lifecycle: AbortController;

  function queue(events = 10, bytes = Number.POSITIVE_INFINITY) {
    sent = [];
    results = [];
    lifecycle = new AbortController();
    return new DeliveryQueue(
      { events, bytes },
      (event, signal) =>
        new Promise<void>((resolve, reject) => {
          sent.push({ event, resolve, reject });
          signal.addEventListener('abort', () => reject(new Error('aborted')));
        }),
      (result, reason) => results.push([result, reason]),
      lifecycle.signal,
    );
  }

  const event = (id: string): OutgoingEvent => ({ id, body: `{"id":"${id}"}` });
  /** An event whose body is exactly `size` bytes (UTF-8), `é` being 2 of them. */
  const sized = (id: string, size: number, fill = 'x'): OutgoingEvent => ({
    id,
    body: fill.repeat(size / Buffer.byteLength(fill)),
  });
  const ids = () => sent.map((p) => p.event.id);
  const tick = () => new Promise((resolve) => setImmediate(resolve));

  it('sends one event at a time, in order', async () => {
    const q = queue();
    ['a', 'b', 'c'].forEach((id) => q.push(event(id)));
    await tick();
    expect(sent.map((p) => p.event.id)).toEqual(['a']);
    expect(q.pending).toBe(3);
    sent[0].resolve();
    await tick();
    expect(sent.map((p) => p.event.id)).toEqual(['a', 'b']);
    sent[1].reject(new Error('HTTP 500'));
    await tick();
    sent[2].resolve();
    await tick();
    expect(results).toEqual([
      ['delivered', undefined],
      ['failed', 'HTTP 500'],
      ['delivered', undefined],
    ]);
    expect(q.pending).toBe(0);
  });

  it('starts again when an event arrives after the queue ran dry', async () => {
    const q = queue();
    q.push(event('a'));
    await tick();
    sent[0].resolve();
    await tick();
    q.push(event('b'));
    await tick();
    expect(sent.map((p) => p.event.id)).toEqual(['a', 'b']);
  });

  it('drops the oldest waiting event when full, never the one in flight', async () => {
    const q = queue(2);
    ['a', 'b', 'c', 'd', 'e'].forEach((id) => q.push(event(id)));
    expect(results).toEqual([
      ['dropped', 'queue full'],
      ['dropped', 'queue full'],
    ]);
    expect(q.pending).toBe(3);
    for (let i = 0; i < 3; i++) {
      await tick();
      sent[i].resolve();
    }
    await tick();
    expect(sent.map((p) => p.event.id)).toEqual(['a', 'd', 'e']);
  });

  it('on close, drops what waits, cancels the event in flight, and accepts nothing more', async () => {
    const q = queue();
    ['a', 'b'].forEach((id) => q.push(event(id)));
    await tick();
    const closing = q.close();
    lifecycle.abort();
    await closing;
    q.push(event('c'));
    expect(results).toEqual([
      ['dropped', 'shutting down'],
      ['dropped', 'shutting down'],
    ]);
    expect(sent).toHaveLength(1);
    expect(q.pending).toBe(0);
  });

  describe('byte bound', () => {
    it('drops the oldest waiting events until their bodies fit, counting each', async () => {
      const q = queue(10, 250);
      q.push(sized('a', 100)); // taken at once: in flight, not waiting
      ['b', 'c'].forEach((id) => q.push(sized(id, 100)));
      expect(q.waitingBytes).toBe(200);
      expect(results).toEqual([]);
      q.push(sized('d', 100)); // 300 > 250: b goes
      expect(results).toEqual([['dropped', 'queue full']]);
      expect(q.waitingBytes).toBe(200);
      q.push(sized('e', 200)); // 400 > 250: c, then d go
      expect(results).toEqual(Array(3).fill(['dropped', 'queue full']));
      expect(q.waitingBytes).toBe(200);
      expect(q.pending).toBe(2);
      for (let i = 0; i < 2; i++) {
        await tick();
        sent[i].resolve();
      }
      await tick();
      expect(ids()).toEqual(['a', 'e']);
      expect(results.slice(3)).toEqual([
        ['delivered', undefined],
        ['delivered', undefined],
      ]);
      expect(q.waitingBytes).toBe(0);
    });

    it('counts bytes, not characters', () => {
      const q = queue(10, 1000);
      q.push(event('a'));
      q.push(sized('b', 600, 'é')); // 300 characters, 600 bytes
      q.push(sized('c', 600, 'é'));
      expect(q.waitingBytes).toBe(600);
      expect(results).toEqual([['dropped', 'queue full']]);
    });

    it('keeps the newest event even when it alone is larger than the bound', async () => {
      const q = queue(10, 100);
      q.push(event('a'));
      q.push(sized('b', 50));
      q.push(sized('big', 500));
      expect(results).toEqual([['dropped', 'queue full']]);
      expect(q.waitingBytes).toBe(500);
      expect(q.pending).toBe(2);
      q.push(sized('c', 50)); // the big one is now the oldest, and goes
      expect(results).toEqual(Array(2).fill(['dropped', 'queue full']));
      expect(q.waitingBytes).toBe(50);
      await tick();
      sent[0].resolve();
      await tick();
      expect(ids()).toEqual(['a', 'c']);
    });

    it('subtracts an event once it is taken for sending, so later events fit again', async () => {
      const q = queue(10, 200);
      q.push(sized('a', 150)); // in flight at once
      q.push(sized('b', 150));
      expect(q.waitingBytes).toBe(150);
      await tick();
      sent[0].resolve();
      await tick(); // b leaves the waiting list for the wire
      expect(ids()).toEqual(['a', 'b']);
      expect(q.waitingBytes).toBe(0);
      q.push(sized('c', 150)); // would not fit beside b if b were still counted
      expect(q.waitingBytes).toBe(150);
      sent[1].reject(new Error('HTTP 503'));
      await tick();
      sent[2].resolve();
      await tick();
      expect(results).toEqual([
        ['delivered', undefined],
        ['failed', 'HTTP 503'],
        ['delivered', undefined],
      ]);
      expect(q.waitingBytes).toBe(0);
    });

    it('applies the count bound and the byte bound together', () => {
      const q = queue(2, 1000);
      q.push(event('a'));
      ['b', 'c', 'd'].forEach((id) => q.push(sized(id, 100)));
      expect(results).toEqual([['dropped', 'queue full']]); // by count: b
      expect(q.waitingBytes).toBe(200);
      q.push(sized('e', 950)); // by count: c; then by bytes (1050 > 1000): d
      expect(results).toEqual(Array(3).fill(['dropped', 'queue full']));
      expect(q.waitingBytes).toBe(950);
      expect(q.pending).toBe(2);
    });

    it('forgets the waiting bytes on close', async () => {
      const q = queue(10, 1000);
      ['a', 'b', 'c'].forEach((id) => q.push(sized(id, 100)));
      expect(q.waitingBytes).toBe(200);
      const closing = q.close();
      expect(q.waitingBytes).toBe(0);
      lifecycle.abort();
      await closing;
      q.push(sized('d', 100));
      expect(q.waitingBytes).toBe(0);
      expect(results).toEqual(Array(3).fill(['dropped', 'shutting down']));
    });
  });
});
