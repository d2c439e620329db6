import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** The key a caller presents: `X-API-Key: <key>` or `Authorization: Bearer <key>`. */
export function presentedApiKey(headers: IncomingHttpHeaders): string | undefined {
  const header = headers['x-api-key'];
  if (typeof header === 'string' && header !== '') return header;
  return /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1];
}

/**
 * Whether the caller presents one of the keys, compared in constant time (equal-length
 * digests, every key compared). No key, or a wrong one, is simply not authorized.
 */
export function isAuthorized(headers: IncomingHttpHeaders, keys: readonly string[]): boolean {
  const given = presentedApiKey(headers);
  if (given === undefined) return false;
  const digest = sha256(given);
  let match = false;
  for (const key of keys) match = timingSafeEqual(digest, sha256(key)) || match;
  return match;
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
