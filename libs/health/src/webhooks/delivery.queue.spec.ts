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

  function queue(capacity = 10) {
    sent = [];
    results = [];
    lifecycle = new AbortController();
    return new DeliveryQueue(
      capacity,
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
});
