import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { HealthModule } from '../health.module';
import { enableGracefulShutdown } from './graceful-shutdown';
import { HealthService } from './health.service';

describe('enableGracefulShutdown', () => {
  let app: INestApplication;
  let remove: () => void;
  const log: string[] = [];

  beforeEach(async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
    const moduleRef = await Test.createTestingModule({
      // No periodic evaluation: its interval would count among the timers asserted on below.
      imports: [HealthModule.forRoot({ shutdownDelayMs: 1000, evaluationIntervalMs: 0 })],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    log.length = 0;
  });

  afterEach(async () => {
    remove();
    jest.useRealTimers();
    await app.close();
  });

  it('drains at once, then closes the app after the delay', async () => {
    const close = jest.spyOn(app, 'close');
    remove = enableGracefulShutdown(app, { signals: ['SIGUSR2'], log: (l) => log.push(l) });
    const health = app.get(HealthService);
    process.emit('SIGUSR2', 'SIGUSR2');
    expect(health.isDraining).toBe(true);
    expect(log).toEqual(['SIGUSR2 received: draining for 1000 ms, then closing']);
    await jest.advanceTimersByTimeAsync(999);
    expect(close).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);
    expect(close).toHaveBeenCalledTimes(1);
    expect(log).toContain('closing');
  });

  it('closes at once on a second signal, and only once', async () => {
    const close = jest.spyOn(app, 'close');
    remove = enableGracefulShutdown(app, { delayMs: 60_000, signals: ['SIGUSR2'] });
    process.emit('SIGUSR2', 'SIGUSR2');
    process.emit('SIGUSR2', 'SIGUSR2');
    process.emit('SIGUSR2', 'SIGUSR2');
    expect(close).toHaveBeenCalledTimes(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('reports a failed close and sets a failing exit code', async () => {
    jest.spyOn(app, 'close').mockRejectedValueOnce(new Error('socket stuck'));
    remove = enableGracefulShutdown(app, {
      delayMs: 0,
      signals: ['SIGUSR2'],
      log: (l) => log.push(l),
    });
    const before = process.exitCode;
    process.emit('SIGUSR2', 'SIGUSR2');
    await jest.advanceTimersByTimeAsync(0);
    expect(log).toContain('close failed: socket stuck');
    expect(process.exitCode).toBe(1);
    process.exitCode = before;
  });

  it('removes its handlers', () => {
    const before = process.listenerCount('SIGUSR2');
    remove = enableGracefulShutdown(app, { signals: ['SIGUSR2'] });
    expect(process.listenerCount('SIGUSR2')).toBe(before + 1);
    remove();
    expect(process.listenerCount('SIGUSR2')).toBe(before);
  });
});
