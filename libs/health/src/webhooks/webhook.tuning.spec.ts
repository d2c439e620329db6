import { HealthConfigurationError } from '../shared/errors';
import { resolveTuning, WEBHOOK_TUNING_DEFAULTS } from './webhook.tuning';

describe('resolveTuning', () => {
  it('has defaults, and sends with the global fetch', () => {
    const tuning = resolveTuning();
    expect(tuning).toMatchObject(WEBHOOK_TUNING_DEFAULTS);
    expect(typeof tuning.fetch).toBe('function');
  });

  it('keeps maxDelayMs at least initialDelayMs, and refuses bad delays', () => {
    expect(resolveTuning({ initialDelayMs: 50, maxDelayMs: 10 }).maxDelayMs).toBe(50);
    expect(() => resolveTuning({ initialDelayMs: -1 })).toThrow(HealthConfigurationError);
    expect(() => resolveTuning({ maxDelayMs: Number.NaN })).toThrow('maxDelayMs');
  });
});
