import { HealthConfigurationError } from '../shared/errors';
import { healthWebhookOptionsFromEnv } from './webhook.env';
import { MIN_QUEUE_BYTES, resolveWebhookOptions } from './webhook.options';

describe('HEALTH_WEBHOOK_QUEUE_BYTES', () => {
  it('reads the variable; unset or empty leaves the default', () => {
    expect(healthWebhookOptionsFromEnv({ HEALTH_WEBHOOK_QUEUE_BYTES: '65536' }).queueBytes).toBe(
      65_536,
    );
    expect(
      healthWebhookOptionsFromEnv({ HEALTH_WEBHOOK_QUEUE_BYTES: String(MIN_QUEUE_BYTES) })
        .queueBytes,
    ).toBe(1024);
    expect(healthWebhookOptionsFromEnv({}).queueBytes).toBeUndefined();
    expect(healthWebhookOptionsFromEnv({ HEALTH_WEBHOOK_QUEUE_BYTES: '' }).queueBytes).toBe(
      undefined,
    );
    const options = healthWebhookOptionsFromEnv({});
    expect(resolveWebhookOptions(options).queueBytes).toBe(262_144);
  });

  it.each(['1023', '-1', '256k', '1e6', '99999999999999999999'])(
    'refuses %j, naming the variable',
    (raw) => {
      const read = () => healthWebhookOptionsFromEnv({ HEALTH_WEBHOOK_QUEUE_BYTES: raw });
      expect(read).toThrow(HealthConfigurationError);
      expect(read).toThrow(
        `Invalid setting HEALTH_WEBHOOK_QUEUE_BYTES: "${raw}" (expected an integer >= 1024)`,
      );
    },
  );
});
