import type { ServerResponse } from 'node:http';

/** A response object that is, or wraps (`raw`, as Fastify's reply does), Node's ServerResponse. */
export type RawResponse = ServerResponse | { raw: ServerResponse; hijack?: () => unknown };

/**
 * Writes a JSON body with exactly the headers given: no charset suffix, no ETag, the
 * bytes under our control (the legacy contract is byte for byte).
 */
export function sendJson(
  response: RawResponse,
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  // Fastify: take the reply over, so that Fastify neither sends nor waits for it.
  if ('raw' in response) response.hijack?.();
  const res = 'raw' in response ? response.raw : response;
  const payload = Buffer.from(JSON.stringify(body), 'utf8');
  res.statusCode = statusCode;
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Content-Length', payload.length);
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.end(payload);
}
