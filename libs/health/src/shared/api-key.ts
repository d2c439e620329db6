import { createHash, timingSafeEqual } from 'node:crypto';
/** Request headers, as Node (Express, Fastify) gives them. */
export type RequestHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** The key a caller presents: `X-API-Key: <key>` or `Authorization: Bearer <key>`. */
export function presentedApiKey(headers: RequestHeaders): string | undefined {
  const header = headers['x-api-key'];
  if (typeof header === 'string' && header.trim() !== '') return header.trim();
  const authorization = headers.authorization;
  return /^Bearer\s+(\S+)\s*$/i.exec(typeof authorization === 'string' ? authorization : '')?.[1];
}

/**
 * Whether the caller presents one of the keys, compared in constant time (equal-length
 * digests, every key compared). No key, or a wrong one, is simply not authorized.
 */
export function isAuthorized(headers: RequestHeaders, keys: readonly string[]): boolean {
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
