/** What was read of a body: its text, and whether it went on past the limit. */
export interface BoundedText {
  text: string;
  /** The body was longer than the limit: reading stopped there and the rest was cancelled. */
  truncated: boolean;
}

/**
 * Reads a response body as UTF-8 up to `limitBytes` and cancels it beyond, so a huge or endless
 * body costs at most the limit in memory and stops arriving. Rejects as reading rejects (an
 * aborted signal, a connection that breaks off), with the body cancelled.
 */
export async function readBoundedText(
  response: Response,
  limitBytes: number,
): Promise<BoundedText> {
  const body = response.body;
  if (!body) return { text: '', truncated: false };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text: decode(chunks, size), truncated: false };
      const room = limitBytes - size;
      if (value.byteLength > room) {
        chunks.push(value.subarray(0, room));
        size += room;
        await reader.cancel().catch(() => undefined);
        return { text: decode(chunks, size), truncated: true };
      }
      chunks.push(value);
      size += value.byteLength;
    }
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    throw error;
  }
}

function decode(chunks: readonly Uint8Array[], size: number): string {
  const all = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(all);
}
