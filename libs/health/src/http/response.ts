import type { HealthWriterResponse } from '../core/ports';

/** The response object Nest hands a passthrough handler (Express response or Fastify reply). */
export interface PassthroughResponse {
  status(code: number): unknown;
  header(name: string, value: string): unknown;
}

export const NO_STORE = 'no-store';

/** Applies a writer's status and headers; the body is returned to Nest, which sends it. */
export function answer(res: PassthroughResponse, response: HealthWriterResponse): unknown {
  res.status(response.status);
  res.header('Cache-Control', NO_STORE);
  for (const [name, value] of Object.entries(response.headers ?? {})) res.header(name, value);
  return response.body;
}

/** A plain-text answer (the probes'). */
export function text(res: PassthroughResponse, status: number, body: string): string {
  return answer(res, {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    body,
  }) as string;
}
