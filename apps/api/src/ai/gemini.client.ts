import type { AiSettings } from './ai.config';
import { readBoundedText } from './bounded-body';

/**
 * The most of an answer the client reads (a long generated text is well under 1 MiB); more is a
 * failed answer, and the rest of the body is cancelled.
 */
export const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

/** The provider answered with an error, or could not be reached. Its message holds no secret. */
export class AiProviderError extends Error {
  override readonly name = 'AiProviderError';
  constructor(
    message: string,
    readonly httpStatus?: number,
  ) {
    super(message);
  }
}

interface GenerateContentResponse {
  candidates?: { content?: { parts?: { text?: unknown }[] } }[];
}

/** Calls Gemini's `generateContent`; the key travels in a header, never in the URL. */
export class GeminiClient {
  constructor(
    private readonly settings: AiSettings,
    private readonly fetchFn: typeof fetch = globalThis.fetch,
  ) {}

  async generate(prompt: string, signal: AbortSignal): Promise<string> {
    const url = `${this.settings.baseUrl}/v1beta/models/${encodeURIComponent(this.settings.model)}:generateContent`;
    let response: Response;
    try {
      response = await this.fetchFn(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-goog-api-key': this.settings.apiKey ?? '',
        },
        body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: prompt }] }] }),
        // A followed redirect would carry the key header to whatever host it names.
        redirect: 'manual',
        signal,
      });
    } catch (error) {
      if (signal.aborted) throw error;
      throw new AiProviderError(`AI provider unreachable (${causeCode(error)})`);
    }
    if (!response.ok) {
      // The error body is never read: the status says enough, and the body may be huge.
      await response.body?.cancel().catch(() => undefined);
      throw new AiProviderError(`AI provider answered HTTP ${response.status}`, response.status);
    }
    return extractText(await readAnswer(response, signal));
  }
}

/**
 * The answer's JSON, read up to `MAX_ANSWER_BYTES`. Anything else (not JSON, too large, broken
 * off) is an `AiProviderError` whose message quotes nothing of the body; once `signal` has
 * aborted, its reason is thrown instead.
 */
async function readAnswer(
  response: Response,
  signal: AbortSignal,
): Promise<GenerateContentResponse> {
  let text: string;
  try {
    const read = await readBoundedText(response, MAX_ANSWER_BYTES);
    if (read.truncated) {
      throw new AiProviderError(
        `AI provider answer exceeds ${MAX_ANSWER_BYTES} bytes (HTTP ${response.status})`,
        response.status,
      );
    }
    text = read.text;
  } catch (error) {
    if (error instanceof AiProviderError) throw error;
    if (signal.aborted) throw signal.reason;
    throw new AiProviderError(
      `AI provider answer broke off (HTTP ${response.status})`,
      response.status,
    );
  }
  try {
    return JSON.parse(text) as GenerateContentResponse;
  } catch {
    // JSON.parse's message quotes the body: it is dropped.
    throw new AiProviderError(
      `AI provider answered with something other than JSON (HTTP ${response.status})`,
      response.status,
    );
  }
}

/** The first candidate's text; an answer of any other shape has none. */
function extractText(body: GenerateContentResponse): string {
  const parts: unknown = body?.candidates?.[0]?.content?.parts;
  const text = Array.isArray(parts)
    ? parts
        .map((part: { text?: unknown } | null) => (typeof part?.text === 'string' ? part.text : ''))
        .join('')
    : '';
  if (!text) throw new AiProviderError('AI provider returned no text');
  return text;
}

function causeCode(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  return typeof cause?.code === 'string' ? cause.code : 'network error';
}
