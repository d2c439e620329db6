import { Deadlines } from './deadlines';

describe('Deadlines', () => {
  let deadlines: Deadlines;

  beforeEach(() => {
    jest.useFakeTimers({ now: 1000 });
    deadlines = new Deadlines(() => Date.now());
  });

  afterEach(() => {
    deadlines.shutdown();
    jest.useRealTimers();
  });

  it('shares one timer among callbacks with the same deadline, and calls each at it', () => {
    const fired: string[] = [];
    deadlines.at(1050, (reason) => fired.push(`a:${reason}`));
    deadlines.at(1049.2, () => fired.push('b')); // rounded up to 1050
    deadlines.at(1100, () => fired.push('c'));
    expect(jest.getTimerCount()).toBe(2);
    jest.advanceTimersByTime(49);
    expect(fired).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(fired).toEqual(['a:deadline', 'b']);
    jest.advanceTimersByTime(50);
    expect(fired).toEqual(['a:deadline', 'b', 'c']);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('clears a timer once nothing waits on it, and only then', () => {
    const fired: string[] = [];
    const cancelA = deadlines.at(1050, () => fired.push('a'));
    const cancelB = deadlines.at(1050, () => fired.push('b'));
    cancelA();
    cancelA();
    expect(jest.getTimerCount()).toBe(1);
    cancelB();
    expect(jest.getTimerCount()).toBe(0);
    // A new wait on the same deadline gets a fresh timer.
    deadlines.at(1050, () => fired.push('c'));
    cancelB();
    jest.advanceTimersByTime(100);
    expect(fired).toEqual(['c']);
  });

  it('fires at once for a deadline already past', () => {
    let fired = false;
    deadlines.at(900, () => (fired = true));
    jest.advanceTimersByTime(0);
    expect(fired).toBe(true);
  });

  it('wakes every wait at shutdown, and later waits at once', () => {
    const woken: string[] = [];
    deadlines.at(1050, (reason) => woken.push(`a:${reason}`));
    deadlines.at(1200, (reason) => woken.push(`b:${reason}`));
    deadlines.shutdown();
    expect(woken).toEqual(['a:shutdown', 'b:shutdown']);
    expect(jest.getTimerCount()).toBe(0);
    const cancel = deadlines.at(5000, (reason) => woken.push(`c:${reason}`));
    cancel();
    expect(woken).toEqual(['a:shutdown', 'b:shutdown', 'c:shutdown']);
    jest.advanceTimersByTime(10_000);
    expect(woken).toHaveLength(3);
  });
});
