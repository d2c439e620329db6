import { Logger } from '@nestjs/common';
import { Registry } from 'prom-client';
import { WebhookReceiver } from '../../../../test/support/webhook-receiver';
import { HealthStatus } from '../core/health-status';
import { HealthService } from '../core/health.service';
import { WEBHOOK_METRIC_NAMES as W } from './webhook.constants';
import { WebhookNotifier } from './webhook.notifier';
import type { WebhookOptions } from './webhook.options';
import type { WebhookTuning } from './webhook.tuning';

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

  function engine() {
    const health = new HealthService({
      retries: 0,
      checks: [{ name: 'payments', check: () => ({ status }) }],
    });
    closing.push(health);
    return health;
  }

  function notifier(
    health: HealthService,
    registry: Registry | undefined = new Registry(),
    webhooks: WebhookOptions = {},
    tuning?: WebhookTuning,
  ) {
    const options = { urls: [receiver.url()], secret: SECRET, minConsecutive: 1, ...webhooks };
    const created = new WebhookNotifier(health, options, registry, tuning);
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

  it('works without a metrics registry, counting in stats() only', async () => {
    const health = engine();
    await health.check();
    const n = notifier(health, undefined);
    status = HealthStatus.DEGRADED;
    await health.check();
    await receiver.until(() => n.stats().delivered === 2);
    expect(n.stats()).toMatchObject({ delivered: 2, failed: 0, dropped: 0, pending: 0 });
    await n.onModuleDestroy();
  });

  it('refuses bad tuning and bad options when it is built', () => {
    const options = { urls: [receiver.url()], secret: SECRET };
    expect(
      () => new WebhookNotifier(engine(), options, new Registry(), { maxDelayMs: -5 }),
    ).toThrow('maxDelayMs');
    const withPassword = { ...options, urls: [receiver.url().replace('//', '//u:pa55word@')] };
    expect(() => new WebhookNotifier(engine(), withPassword)).toThrow(
      /webhooks\.urls: "http:\/\/u:\*\*\*@.*" \(expected URLs without user or password/,
    );
    expect(() => new WebhookNotifier(engine(), { urls: [receiver.url()] })).toThrow(
      'webhooks.secret',
    );
  });

  it('does nothing at all without URLs', async () => {
    const registry = new Registry();
    const health = engine();
    const n = notifier(health, registry, { urls: [] });
    expect(n.enabled).toBe(false);
    status = HealthStatus.UNHEALTHY;
    await health.check();
    await health.check();
    expect(registry.getMetricsAsArray()).toEqual([]);
    expect(n.stats()).toMatchObject({ delivered: 0, pending: 0 });
    await n.onModuleDestroy();
    expect(receiver.requests).toEqual([]);
  });
});
