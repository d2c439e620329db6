import { createHash } from 'node:crypto';
import type { CacheService } from '../cache/cache.service';
import type { Operation, ProcessRequest } from './process-request';

/** What is stored under a key: the provider's answer, and nothing of the request. */
interface StoredAnswer {
  result: string;
}

/**
 * The key of an answer: a SHA-256 of the operation, the text, the question (qa only: the other
 * operations do not send it) and the model. Never the text itself, so no request text reaches
 * Redis' keyspace, a log line or a metric.
 */
export function answerKey(request: ProcessRequest, model: string): string {
  const question = request.operation === 'qa' ? (request.question ?? null) : null;
  const material = JSON.stringify([request.operation, request.text, question, model]);
  return `ai:v1:${createHash('sha256').update(material).digest('hex')}`;
}

/**
 * The provider's answers in the service's cache (Redis with the in-memory fallback), for
 * `ttls[operation]` seconds. A stored value of any other shape is a miss.
 */
export class AnswerCache {
  constructor(
    private readonly cache: CacheService,
    private readonly ttls: Readonly<Record<Operation, number>>,
  ) {}

  async get(request: ProcessRequest, model: string): Promise<string | undefined> {
    const stored = await this.cache.get(answerKey(request, model));
    if (stored === undefined) return undefined;
    try {
      const parsed = JSON.parse(stored) as Partial<StoredAnswer> | null;
      return typeof parsed?.result === 'string' ? parsed.result : undefined;
    } catch {
      return undefined;
    }
  }

  async set(request: ProcessRequest, model: string, result: string): Promise<void> {
    const value: StoredAnswer = { result };
    await this.cache.set(
      answerKey(request, model),
      JSON.stringify(value),
      this.ttls[request.operation] * 1000,
    );
  }
}
