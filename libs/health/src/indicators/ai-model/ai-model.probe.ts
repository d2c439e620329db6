import type { Verdict } from './ai-model.verdicts';
import { unreachableError, verdictFor } from './ai-model.verdicts';

export interface ProbeTarget {
  apiKey: string;
  model: string;
  baseUrl: string;
  fetch: typeof fetch;
}

/**
 * The most of an error body the probe reads (Gemini's invalid-key answer is about 1 KiB); the
 * rest is cancelled, so a huge or endless body costs neither time nor memory.
 */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;

export interface ProbeResult extends Verdict {
  httpStatus: number;
}

/** The model's metadata URL. The key never goes here: it travels in a header. */
export function modelUrl(baseUrl: string, model: string): string {
  return `${baseUrl}/v1beta/models/${encodeURIComponent(model)}`;
}

/**
 * One `GET` of the model's metadata. Resolves to a verdict for any HTTP answer; rejects with
 * a short error when there is none, or with the signal's reason once it is aborted (also while
 * an error body is being read: a timeout is reported as a timeout).
 */
export async function probeModel(target: ProbeTarget, signal: AbortSignal): Promise<ProbeResult> {
  const response = await send(target, signal);
  const body =
    response.status === 400 ? await readErrorBody(response, signal) : await discard(response);
  if (signal.aborted) throw signal.reason;
  return { ...verdictFor(response.status, target.model, body), httpStatus: response.status };
}

async function send(target: ProbeTarget, signal: AbortSignal): Promise<Response> {
  const { fetch } = target;
  try {
    return await fetch(modelUrl(target.baseUrl, target.model), {
      method: 'GET',
      headers: { 'x-goog-api-key': target.apiKey, accept: 'application/json' },
      // A followed redirect would carry the key header to whatever host it names.
      redirect: 'manual',
      signal,
    });
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    throw unreachableError(error);
  }
}

/**
 * At most `MAX_ERROR_BODY_BYTES` of the body, then the rest cancelled. A body that breaks off
 * gives what arrived; an aborted signal rejects with its reason.
 */
async function readErrorBody(response: Response, signal: AbortSignal): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < MAX_ERROR_BODY_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      const kept = value.subarray(0, MAX_ERROR_BODY_BYTES - size);
      chunks.push(kept);
      size += kept.byteLength;
    }
  } catch {
    if (signal.aborted) throw signal.reason;
  } finally {
    // Stops a longer body from arriving; a no-op once it has ended or failed.
    void reader.cancel().catch(() => undefined);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/** Releases the socket without waiting for a body nobody reads. */
async function discard(response: Response): Promise<string> {
  await response.body?.cancel().catch(() => undefined);
  return '';
}
