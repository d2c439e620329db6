import { HealthConfigurationError } from '../shared/errors';
import { resolveWebhookOptions, WEBHOOK_DEFAULTS } from './webhook.options';

describe('webhooks.queueBytes', () => {
  it('defaults to 256 KiB and keeps a valid value', () => {
    expect(WEBHOOK_DEFAULTS.queueBytes).toBe(262_144);
    expect(resolveWebhookOptions().queueBytes).toBe(262_144);
    expect(resolveWebhookOptions({ queueBytes: 1024 }).queueBytes).toBe(1024);
    expect(resolveWebhookOptions({ queueBytes: 1_048_576 }).queueBytes).toBe(1_048_576);
  });

  it.each<[unknown, string]>([
    [1023, 'Invalid setting webhooks.queueBytes: 1023 (expected an integer >= 1024)'],
    [0, 'Invalid setting webhooks.queueBytes: 0 (expected an integer >= 1024)'],
    [2048.5, 'Invalid setting webhooks.queueBytes: 2048.5 (expected an integer >= 1024)'],
    ['4096', 'Invalid setting webhooks.queueBytes: "4096" (expected an integer >= 1024)'],
    [
      4_000_000,
      'Invalid setting webhooks.queueBytes: 4000000 (expected an integer from 1024 to 1048576: the waiting events of a queue stay within the 10 MB memory budget of the health infrastructure)',
    ],
  ])('refuses %j, naming the option', (queueBytes, message) => {
    const resolve = () => resolveWebhookOptions({ queueBytes: queueBytes as number });
    expect(resolve).toThrow(HealthConfigurationError);
    expect(resolve).toThrow(message);
  });
});
