import { HealthService } from '@nest-health/core';
import { CircuitBreakerRegistry } from '@nest-health/core/resilience';
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
import { AI_PROVIDER_BREAKER } from '../resilience/resilience.module';
import type { ProcessRequest } from './process-request';
import { promptFor } from './process-request';

export interface ProcessResponse {
  operation: ProcessRequest['operation'];
  success: true;
  result: string;
  model: string;
  processing_time_ms: number;
}

/**
 * The domain example: asks `HealthService` before calling the provider (a known-bad model
 * answers 503 at once), and calls it through the `ai_provider` circuit breaker, whose state
 * `resilience` reports.
 */
@Injectable()
export class TextProcessingService {
  constructor(
    private readonly health: HealthService,
    private readonly breakers: CircuitBreakerRegistry,
    private readonly client: GeminiClient,
    @Inject(AI_SETTINGS) private readonly ai: AiSettings,
  ) {}

  async process(request: ProcessRequest): Promise<ProcessResponse> {
    this.requireHealthyModel();
    const started = performance.now();
    const result = await this.callProvider(promptFor(request));
    return {
      operation: request.operation,
      success: true,
      result,
      model: this.ai.model,
      processing_time_ms: Math.round(performance.now() - started),
    };
  }

  private requireHealthyModel(): void {
    if (this.health.isHealthy('ai_model')) return;
    const last = this.health.getLastStatus('ai_model');
    const reason = last ? last.message : 'not evaluated yet';
    throw new ServiceUnavailableException(`AI model unavailable: ${reason}`);
  }

  private async callProvider(prompt: string): Promise<string> {
    const timeout = AbortSignal.timeout(this.ai.requestTimeoutMs);
    try {
      return await this.breakers.execute(AI_PROVIDER_BREAKER, ({ signal }) =>
        this.client.generate(prompt, AbortSignal.any([signal, timeout])),
      );
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        throw new ServiceUnavailableException('AI provider failing; circuit open, try again later');
      }
      if (timeout.aborted) {
        throw new GatewayTimeoutException(
          `AI provider did not answer within ${this.ai.requestTimeoutMs} ms`,
        );
      }
      if (error instanceof AiProviderError) throw new BadGatewayException(error.message);
      throw error;
    }
  }
}
