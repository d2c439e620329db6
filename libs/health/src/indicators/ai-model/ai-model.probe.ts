import type { Verdict } from './ai-model.verdicts';
import { unreachableError, verdictFor } from './ai-model.verdicts';

export interface ProbeTarget {
  apiKey: string;
  model: string;
  baseUrl: string;
  fetch: typeof fetch;
}

export interface ProbeResult extends Verdict {
  httpStatus: number;
}

/** The model's metadata URL. The key never goes here: it travels in a header. */
export function modelUrl(baseUrl: string, model: string): string {
  return `${baseUrl}/v1beta/models/${encodeURIComponent(model)}`;
}

/**
 * One `GET` of the model's metadata. Resolves to a verdict for any HTTP answer; rejects with
 * a short error when there is none, or with the signal's reason once it is aborted.
 */
export async function probeModel(target: ProbeTarget, signal: AbortSignal): Promise<ProbeResult> {
  const response = await send(target, signal);
  const body = response.status === 400 ? await readText(response) : await discard(response);
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

function readText(response: Response): Promise<string> {
  return response.text().catch(() => '');
}

/** Releases the socket without waiting for a body nobody reads. */
async function discard(response: Response): Promise<string> {
  await response.body?.cancel().catch(() => undefined);
  return '';
}
