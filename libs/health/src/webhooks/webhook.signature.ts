import { createHmac, timingSafeEqual } from 'node:crypto';
import { WEBHOOK_TOLERANCE_SECONDS } from './webhook.constants';

/** `X-Health-Signature`: `sha256=` and the hex HMAC-SHA256 of `<timestamp>.<raw body>`. */
export function signWebhook(
  secret: string,
  timestamp: number | string,
  body: string | Buffer,
): string {
  const hmac = createHmac('sha256', secret).update(`${timestamp}.`).update(body);
  return `sha256=${hmac.digest('hex')}`;
}

export interface SignedRequest {
  /** The raw body, exactly as received. */
  body: string | Buffer;
  /** `X-Health-Timestamp`. */
  timestamp: string | undefined;
  /** `X-Health-Signature`. */
  signature: string | undefined;
}

/**
 * What a receiver does: the signature matches (compared in constant time) and the timestamp is
 * within `toleranceSeconds` of now, so a captured request cannot be replayed later.
 */
export function verifyWebhookSignature(
  secret: string,
  request: SignedRequest,
  nowMs = Date.now(),
  toleranceSeconds = WEBHOOK_TOLERANCE_SECONDS,
): boolean {
  const { timestamp, signature } = request;
  if (!timestamp || !/^\d+$/.test(timestamp) || !signature) return false;
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, request.body));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
