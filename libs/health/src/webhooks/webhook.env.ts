import { HealthConfigurationError } from '../shared/errors';
import { COMPONENT_NAME_PATTERN } from '../shared/names';
import type { HealthEnv } from '../shared/env';
import { envInteger, envList, envMilliseconds, envReader } from '../shared/env';
import type { WebhookOptions } from './webhook.options';
import { checkWebhookUrls, MIN_QUEUE_BYTES, WEBHOOK_DEDUP } from './webhook.options';

/**
 * Webhook options from `HEALTH_WEBHOOK_*` variables: `URLS`, `SECRET`, `INCLUDE_DETAILS`,
 * `QUEUE_SIZE`, `QUEUE_BYTES`, `MAX_ATTEMPTS`, `TIMEOUT_MS`, `MIN_CONSECUTIVE`, `COOLDOWN_MS`, `DEDUP`,
 * `REDIS_URL`, and `HEALTH_SERVICE_NAME`. A bad value names its variable.
 */
export function healthWebhookOptionsFromEnv(env: HealthEnv): WebhookOptions {
  const read = envReader(env);
  const dedup = read('HEALTH_WEBHOOK_DEDUP') || undefined;
  if (dedup !== undefined && !(WEBHOOK_DEDUP as readonly string[]).includes(dedup)) {
    throw new HealthConfigurationError(
      'HEALTH_WEBHOOK_DEDUP',
      dedup,
      `one of ${WEBHOOK_DEDUP.join(', ')}`,
    );
  }
  const urls = envList('HEALTH_WEBHOOK_URLS', read('HEALTH_WEBHOOK_URLS')) ?? [];
  checkWebhookUrls(urls, 'HEALTH_WEBHOOK_URLS', 'comma-separated http(s) URLs');
  const secret = read('HEALTH_WEBHOOK_SECRET') || undefined;
  if (urls.length > 0 && !secret) {
    throw new HealthConfigurationError(
      'HEALTH_WEBHOOK_SECRET',
      '',
      'a signing secret when HEALTH_WEBHOOK_URLS is set',
    );
  }
  const redisUrl = read('HEALTH_WEBHOOK_REDIS_URL') || undefined;
  if (dedup === 'redis' && !redisUrl) {
    throw new HealthConfigurationError(
      'HEALTH_WEBHOOK_REDIS_URL',
      '',
      'a Redis URL when HEALTH_WEBHOOK_DEDUP=redis',
    );
  }
  const flag = read('HEALTH_WEBHOOK_INCLUDE_DETAILS');
  if (flag && !/^(true|false)$/i.test(flag)) {
    throw new HealthConfigurationError('HEALTH_WEBHOOK_INCLUDE_DETAILS', flag, 'true or false');
  }
  const serviceName = read('HEALTH_SERVICE_NAME') || undefined;
  if (serviceName !== undefined && !COMPONENT_NAME_PATTERN.test(serviceName)) {
    throw new HealthConfigurationError(
      'HEALTH_SERVICE_NAME',
      serviceName,
      'a name matching [a-z0-9_-]{1,64}',
    );
  }
  return {
    urls,
    secret,
    includeDetails: flag ? /^true$/i.test(flag) : undefined,
    queueSize: envInteger('HEALTH_WEBHOOK_QUEUE_SIZE', read('HEALTH_WEBHOOK_QUEUE_SIZE'), 1),
    queueBytes: envInteger(
      'HEALTH_WEBHOOK_QUEUE_BYTES',
      read('HEALTH_WEBHOOK_QUEUE_BYTES'),
      MIN_QUEUE_BYTES,
    ),
    maxAttempts: envInteger('HEALTH_WEBHOOK_MAX_ATTEMPTS', read('HEALTH_WEBHOOK_MAX_ATTEMPTS'), 1),
    attemptTimeoutMs: envMilliseconds(
      'HEALTH_WEBHOOK_TIMEOUT_MS',
      read('HEALTH_WEBHOOK_TIMEOUT_MS'),
      1,
    ),
    minConsecutive: envInteger(
      'HEALTH_WEBHOOK_MIN_CONSECUTIVE',
      read('HEALTH_WEBHOOK_MIN_CONSECUTIVE'),
      1,
    ),
    cooldownMs: envMilliseconds(
      'HEALTH_WEBHOOK_COOLDOWN_MS',
      read('HEALTH_WEBHOOK_COOLDOWN_MS'),
      0,
    ),
    dedup: dedup as WebhookOptions['dedup'],
    redisUrl,
    serviceName,
  };
}
