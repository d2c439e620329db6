import { eventually } from './eventually';

describe('eventually', () => {
  it("resolves with the condition's first truthy answer", async () => {
    let asked = 0;
    const value = await eventually(() => (++asked >= 3 ? { asked } : undefined), {
      intervalMs: 1,
    });
    expect(value).toEqual({ asked: 3 });
    expect(asked).toBe(3);
  });

  it('with `until`, resolves with the answer that `until` accepts, falsy or not', async () => {
    const answers = [3, 2, 1, 0, -1];
    const value = await eventually(async () => answers.shift()!, {
      until: (n) => n <= 0,
      intervalMs: 1,
    });
    expect(value).toBe(0);
  });

  it('fails past the deadline, saying what was awaited and the last answer', async () => {
    let asked = 0;
    const failure = await eventually(() => ({ asked: ++asked, ok: false }), {
      until: (answer) => answer.ok,
      timeoutMs: 30,
      intervalMs: 5,
      message: 'the answer to be ok',
    }).catch((error: Error) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toBe(
      `timed out after 30 ms waiting for the answer to be ok; last value seen: {"asked":${asked},"ok":false}`,
    );
    expect(asked).toBeGreaterThan(1);
  });

  it('asks at least once, reads a message function only on failure, and cuts a long last value', async () => {
    const message = jest.fn(() => 'the log to say ready');
    await expect(eventually(() => 'x'.repeat(5000), { timeoutMs: 0, message })).resolves.toBe(
      'x'.repeat(5000),
    );
    expect(message).not.toHaveBeenCalled();
    const failure = (await eventually(() => 'y'.repeat(5000) && '', {
      timeoutMs: 0,
      message,
    }).catch((error: Error) => error)) as Error;
    expect(failure.message).toBe(
      'timed out after 0 ms waiting for the log to say ready; last value seen: ""',
    );
    const long = (await eventually(() => 'z'.repeat(5000), {
      until: () => false,
      timeoutMs: 0,
    }).catch((error: Error) => error)) as Error;
    expect(long.message).toBe(
      `timed out after 0 ms waiting for a condition to hold; last value seen: "${'z'.repeat(1999)}… (5002 characters)`,
    );
  });

  it('fails at once with the error a condition throws', async () => {
    let asked = 0;
    const thrown = new Error('no such file');
    await expect(
      eventually(() => {
        asked++;
        throw thrown;
      }),
    ).rejects.toBe(thrown);
    expect(asked).toBe(1);
  });

  it('polls in real time while fake timers are installed', async () => {
    jest.useFakeTimers();
    try {
      let asked = 0;
      await expect(eventually(() => ++asked === 3, { intervalMs: 1 })).resolves.toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });
});
