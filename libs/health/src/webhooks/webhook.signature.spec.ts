import { createHmac } from 'node:crypto';
import { signWebhook, verifyWebhookSignature } from './webhook.signature';

describe('webhook signatures', () => {
  const secret = 'whsec-test-secret';
  const body = '{"id":"1","event":"health.status_changed"}';
  const now = 1_764_000_000_000;
  const timestamp = String(now / 1000);

  it('is the hex HMAC-SHA256 of "<timestamp>.<raw body>"', () => {
    const hex = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
    expect(signWebhook(secret, Number(timestamp), body)).toBe(`sha256=${hex}`);
    expect(signWebhook(secret, timestamp, Buffer.from(body))).toBe(`sha256=${hex}`);
  });

  it('verifies a fresh signature over the exact body', () => {
    const signature = signWebhook(secret, timestamp, body);
    expect(verifyWebhookSignature(secret, { body, timestamp, signature }, now)).toBe(true);
    expect(verifyWebhookSignature(secret, { body: `${body} `, timestamp, signature }, now)).toBe(
      false,
    );
    expect(verifyWebhookSignature('other', { body, timestamp, signature }, now)).toBe(false);
  });

  it('checks against the current time by default', () => {
    const fresh = String(Math.floor(Date.now() / 1000));
    const signature = signWebhook(secret, fresh, body);
    expect(verifyWebhookSignature(secret, { body, timestamp: fresh, signature })).toBe(true);
    expect(verifyWebhookSignature(secret, { body, timestamp, signature })).toBe(false);
  });

  it('rejects timestamps more than 5 minutes away, and malformed headers', () => {
    const signature = signWebhook(secret, timestamp, body);
    const at = (ms: number) => verifyWebhookSignature(secret, { body, timestamp, signature }, ms);
    expect(at(now + 300_000)).toBe(true);
    expect(at(now + 301_000)).toBe(false);
    expect(at(now - 301_000)).toBe(false);
    const check = (t: string | undefined, s: string | undefined) =>
      verifyWebhookSignature(secret, { body, timestamp: t, signature: s }, now);
    expect(check(undefined, signature)).toBe(false);
    expect(check(`${timestamp}.5`, signature)).toBe(false);
    expect(check(timestamp, undefined)).toBe(false);
    expect(check(timestamp, signature.slice(0, -2))).toBe(false);
  });
});
