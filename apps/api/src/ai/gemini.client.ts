import type { AiSettings } from './ai.config';

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
        signal,
      });
    } catch (error) {
      if (signal.aborted) throw error;
      throw new AiProviderError(`AI provider unreachable (${causeCode(error)})`);
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new AiProviderError(`AI provider answered HTTP ${response.status}`, response.status);
    }
    return extractText((await response.json()) as GenerateContentResponse);
  }
}

function extractText(body: GenerateContentResponse): string {
  const text = body.candidates?.[0]?.content?.parts
    ?.map((part) => (typeof part.text === 'string' ? part.text : ''))
    .join('');
  if (!text) throw new AiProviderError('AI provider returned no text');
  return text;
}

function causeCode(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  return typeof cause?.code === 'string' ? cause.code : 'network error';
}
