import { Logger } from '@nestjs/common';
import { Registry } from 'prom-client';
import { WebhookReceiver } from '../../../../test/support/webhook-receiver';
import { HealthStatus } from '../core/health-status';
import { HealthService } from '../core/health.service';
import type { WebhookOptions } from '../health.options';
import { WEBHOOK_METRIC_NAMES as W } from './webhook.constants';
import { WebhookNotifier } from './webhook.notifier';

const SECRET = 'notifier-spec-secret';

describe('WebhookNotifier', () => {
  let receiver: WebhookReceiver;
  let status: HealthStatus;
  const closing: { onModuleDestroy(): unknown }[] = [];

  beforeEach(async () => {
    receiver = await WebhookReceiver.start(SECRET);
    status = HealthStatus.HEALTHY;
    jest.spyOn(Logger.prototype, 'warn').mockImplementation();
  });

  afterEach(async () => {
    for (const item of closing.splice(0).reverse()) await item.onModuleDestroy();
    await receiver.stop();
    jest.restoreAllMocks();
  });

  function engine(webhooks: WebhookOptions = {}) {
    const health = new HealthService({
      retries: 0,
      checks: [{ name: 'payments', check: () => ({ status }) }],
      webhooks: { urls: [receiver.url()], secret: SECRET, minConsecutive: 1, ...webhooks },
    });
    closing.push(health);
    return health;
  }

  function notifier(health: HealthService, registry = new Registry()) {
    const created = new WebhookNotifier(health, registry);
    closing.push(created);
    created.onModuleInit();
    return created;
  }

  it('takes the last report finished before it started as the baseline', async () => {
    const health = engine();
    status = HealthStatus.UNHEALTHY;
    await health.check();
    const n = notifier(health);
    await health.check();
    status = HealthStatus.HEALTHY;
    await health.check();
    await receiver.until(() => n.stats().delivered === 2);
    expect(receiver.delivered().map((e) => `${e.previous}->${e.current}`)).toEqual([
      'unhealthy->healthy',
      'unhealthy->healthy',
    ]);
  });

  it('takes over counters another notifier left in the registry, and removes only its own', async () => {
    const registry = new Registry();
    const older = notifier(engine(), registry);
    const newer = notifier(engine(), registry);
    expect(Logger.prototype.warn).toHaveBeenCalledWith(expect.stringContaining(W.deliveries));
    await older.onModuleDestroy();
    expect(registry.getSingleMetric(W.deliveries)).toBeDefined();
    await newer.onModuleDestroy();
    expect(registry.getMetricsAsArray()).toEqual([]);
  });

  it('refuses bad tuning when it is built', () => {
    expect(() => new WebhookNotifier(engine(), new Registry(), { maxDelayMs: -5 })).toThrow(
      'maxDelayMs',
    );
  });
});
