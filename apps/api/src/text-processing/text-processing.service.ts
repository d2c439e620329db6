import { HealthService } from '@nest-health/core';
import {
  BadGatewayException,
  GatewayTimeoutException,
  Inject,
  Injectable,
  ServiceUnavailableException,
} from '@nestjs/common';
import { BrokenCircuitError } from 'cockatiel';
import { performance } from 'node:perf_hooks';
import type { AiSettings } from '../ai/ai.config';
import { AI_SETTINGS } from '../ai/ai.module';
import { AiProviderError, GeminiClient } from '../ai/gemini.client';
import { OperationPolicies } from '../resilience/operation-policies';
import { AnswerCache } from './answer-cache';
import type { Operation, ProcessRequest } from './process-request';
import { promptFor } from './process-request';

/** The messages of callers who may not see details (`HEALTH_DETAILS`, as the health endpoints). */
export const GENERIC_MESSAGES = {
  unavailable: 'AI model unavailable',
  providerError: 'AI provider error',
  timeout: 'AI provider timed out',
} as const;

export interface ProcessOptions {
  /** The caller may see details: why the model is unavailable, how the provider failed. */
  details: boolean;
}

export interface ProcessResponse {
  operation: ProcessRequest['operation'];
  success: true;
  result: string;
  model: string;
  processing_time_ms: number;
  /** The answer came from the cache: the provider was not called (the template's field). */
  cache_hit: boolean;
}

/**
 * The domain example. Answers from the cache when it can: a hit never calls the provider and
 * does not ask about the model. Otherwise asks `HealthService` first (a known-bad model answers
 * 503 at once), then calls the provider under the operation's policy: retries with backoff, each
 * attempt through the operation's circuit breaker, whose state `resilience` reports. Failures
 * keep their status (503, 502, 504); their messages say why only to callers who may see details,
 * as the health endpoints do.
 */
@Injectable()
export class TextProcessingService {
  constructor(
    private readonly health: HealthService,
    private readonly policies: OperationPolicies,
    private readonly client: GeminiClient,
    private readonly answers: AnswerCache,
    @Inject(AI_SETTINGS) private readonly ai: AiSettings,
  ) {}

  async process(
    request: ProcessRequest,
    { details }: ProcessOptions = { details: false },
  ): Promise<ProcessResponse> {
    const started = performance.now();
    const respond = (result: string, cacheHit: boolean): ProcessResponse => ({
      operation: request.operation,
      success: true,
      result,
      model: this.ai.model,
      processing_time_ms: Math.round(performance.now() - started),
      cache_hit: cacheHit,
    });
    const cached = await this.answers.get(request, this.ai.model);
    if (cached !== undefined) return respond(cached, true);
    this.requireHealthyModel(details);
    const result = await this.callProvider(request.operation, promptFor(request), details);
    await this.answers.set(request, this.ai.model, result);
    return respond(result, false);
  }

  private requireHealthyModel(details: boolean): void {
    if (this.health.isHealthy('ai_model')) return;
    if (!details) throw new ServiceUnavailableException(GENERIC_MESSAGES.unavailable);
    const last = this.health.getLastStatus('ai_model');
    const reason = last ? last.message : 'not evaluated yet';
    throw new ServiceUnavailableException(`${GENERIC_MESSAGES.unavailable}: ${reason}`);
  }

  private async callProvider(
    operation: Operation,
    prompt: string,
    details: boolean,
  ): Promise<string> {
    const say = (detailed: string, generic: string) => (details ? detailed : generic);
    const timeout = AbortSignal.timeout(this.ai.requestTimeoutMs);
    try {
      return await this.policies.execute(
        operation,
        (signal) => this.client.generate(prompt, signal),
        timeout,
      );
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        throw new ServiceUnavailableException(
          say('AI provider failing; circuit open, try again later', GENERIC_MESSAGES.unavailable),
        );
      }
      if (timeout.aborted) {
        throw new GatewayTimeoutException(
          say(
            `AI provider did not answer within ${this.ai.requestTimeoutMs} ms`,
            GENERIC_MESSAGES.timeout,
          ),
        );
      }
      if (error instanceof AiProviderError) {
        throw new BadGatewayException(say(error.message, GENERIC_MESSAGES.providerError));
      }
      throw error;
    }
  }
}
