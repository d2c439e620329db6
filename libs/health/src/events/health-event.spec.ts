import type { SystemHealthStatus } from '../core/health-status';
import { HealthStatus } from '../core/health-status';
import { EventLog, HealthEvent, reportEventData, transitionsBetween } from './health-event';

const { HEALTHY, DEGRADED, UNHEALTHY } = HealthStatus;

function report(
  overall: HealthStatus,
  components: [string, HealthStatus][],
  timestamp = 1000,
): SystemHealthStatus {
  return {
    overall_status: overall,
    timestamp,
    components: components.map(([name, status]) => ({
      name,
      status,
      message: `${name} is ${status}`,
      response_time_ms: 1.5,
      metadata: { detail: name },
    })),
  };
}

describe('HealthEvent', () => {
  it('frames id, event and one line of JSON data, built once per details policy', () => {
    const data = jest.fn((details: boolean) => ({ details, text: 'two\nlines' }));
    const event = new HealthEvent(3, 'abcd0123-3', 'report', data);
    const plain = event.frame(false);
    expect(plain.toString()).toBe(
      'id: abcd0123-3\nevent: report\ndata: {"details":false,"text":"two\\nlines"}\n\n',
    );
    expect(event.frame(false)).toBe(plain);
    expect(event.frame(true).toString()).toContain('"details":true');
    expect(event.frame(true)).toBe(event.frame(true));
    expect(data).toHaveBeenCalledTimes(2);
  });
});

describe('reportEventData', () => {
  it('is the full report with checked_at, details only when allowed', () => {
    const r = report(DEGRADED, [['cache', DEGRADED]]);
    r.components[0].shadow = true;
    expect(reportEventData(r, [999.5], true)).toEqual({
      overall_status: 'degraded',
      timestamp: 1000,
      components: [
        {
          name: 'cache',
          status: 'degraded',
          message: 'cache is degraded',
          response_time_ms: 1.5,
          metadata: { detail: 'cache' },
          shadow: true,
          checked_at: 999.5,
        },
      ],
    });
    expect(reportEventData(r, [999.5], false).components[0]).toEqual({
      name: 'cache',
      status: 'degraded',
      response_time_ms: 1.5,
      shadow: true,
      checked_at: 999.5,
    });
  });
});

describe('transitionsBetween', () => {
  it('lists each component that changed, then the system; a new component is no change', () => {
    const before = report(HEALTHY, [
      ['a', HEALTHY],
      ['b', HEALTHY],
    ]);
    const after = report(
      UNHEALTHY,
      [
        ['a', UNHEALTHY],
        ['b', HEALTHY],
        ['c', DEGRADED],
      ],
      2000,
    );
    const changes = transitionsBetween(before, after);
    expect(changes.map((c) => c.data(true))).toEqual([
      { component: 'a', from: 'healthy', to: 'unhealthy', at: 2000, message: 'a is unhealthy' },
      { component: null, from: 'healthy', to: 'unhealthy', at: 2000 },
    ]);
    expect(changes[0].data(false)).toEqual({
      component: 'a',
      from: 'healthy',
      to: 'unhealthy',
      at: 2000,
    });
  });

  it('is empty when nothing changed', () => {
    const r = report(HEALTHY, [['a', HEALTHY]]);
    expect(transitionsBetween(r, report(HEALTHY, [['a', HEALTHY]]))).toEqual([]);
  });
});

describe('EventLog', () => {
  const data = () => ({});

  it('numbers events <boot>-<n> and replays those after a known id', () => {
    const log = new EventLog(10, 'deadbeef');
    const events = [1, 2, 3].map(() => log.append('transition', data));
    expect(events.map((e) => e.id)).toEqual(['deadbeef-1', 'deadbeef-2', 'deadbeef-3']);
    expect(log.after('deadbeef-1')).toEqual(events.slice(1));
    expect(log.after(' deadbeef-0 ')).toEqual(events);
    expect(log.after('deadbeef-3')).toEqual([]);
  });

  it('keeps the latest report only: a resuming client gets its missed transitions and the current report', () => {
    const log = new EventLog(3, 'deadbeef');
    const r1 = log.append('report', data);
    const t2 = log.append('transition', data);
    log.append('report', data);
    const t4 = log.append('transition', data);
    const r5 = log.append('report', data);
    // Superseded reports take no room: r1 and r3 went, t2, t4 and r5 are kept.
    expect(log.after(r1.id)).toEqual([t2, t4, r5]);
    expect(log.after('deadbeef-3')).toEqual([t4, r5]);
    expect(log.after(t4.id)).toEqual([r5]);
    // Room runs out: t2 is dropped for t6, so a client that saw only r1 cannot be told.
    const t6 = log.append('transition', data);
    expect(log.after(r1.id)).toBeUndefined();
    expect(log.after(t2.id)).toEqual([t4, r5, t6]);
  });

  it('cannot tell, after no id, a foreign or future id, garbage, or events since dropped', () => {
    const log = new EventLog(2);
    expect(log.boot).toMatch(/^[0-9a-f]{8}$/);
    for (let i = 0; i < 5; i++) log.append('transition', data);
    expect(log.after(undefined)).toBeUndefined();
    expect(log.after('')).toBeUndefined();
    expect(log.after(`${log.boot === '00000000' ? '11111111' : '00000000'}-4`)).toBeUndefined();
    expect(log.after(`${log.boot}-6`)).toBeUndefined();
    expect(log.after(`${log.boot}-x`)).toBeUndefined();
    expect(log.after(`${log.boot}-${'9'.repeat(16)}`)).toBeUndefined();
    // Keeps 4 and 5: after 2, event 3 is gone.
    expect(log.after(`${log.boot}-2`)).toBeUndefined();
    expect(log.after(`${log.boot}-3`)!.map((e) => e.seq)).toEqual([4, 5]);
  });

  it('keeps nothing with replay 0, and still knows a client that missed nothing', () => {
    const log = new EventLog(0, 'cafebabe');
    log.append('report', data);
    expect(log.after('cafebabe-1')).toEqual([]);
    expect(log.after('cafebabe-0')).toBeUndefined();
  });
});
