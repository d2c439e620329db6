import { Injectable } from '@nestjs/common';
import type { HealthIndicator } from '../../core/health-check';
import type { HealthMetadata, IndicatorResult } from '../../core/health-status';
import { HealthStatus } from '../../core/health-status';
import type { AiModelIndicatorOptions, ResolvedAiModelOptions } from './ai-model.options';
import { resolveAiModelOptions } from './ai-model.options';
import { probeModel } from './ai-model.probe';

/**
 * `ai_model`: whether the Gemini model can be used. In `config` mode it only checks that a key
 * is set; in `probe` mode it fetches the model's metadata from the provider.
 */
@Injectable()
export class AiModelIndicator implements HealthIndicator {
  readonly name = 'ai_model';
  /** The probe stops when the engine aborts it (timeout, shutdown). */
  readonly abortable = true;
  /** Probe mode only: the engine reuses a probe result this long and shares concurrent runs. */
  readonly cacheTtlMs?: number;
  private readonly options: ResolvedAiModelOptions;

  constructor(options: AiModelIndicatorOptions = {}) {
    this.options = resolveAiModelOptions(options);
    if (this.options.mode === 'probe') this.cacheTtlMs = this.options.probeTtlMs;
  }

  async check(signal: AbortSignal): Promise<IndicatorResult> {
    const { apiKey, mode } = this.options;
    if (!apiKey) return this.result(HealthStatus.DEGRADED, 'Missing Gemini API key');
    if (mode === 'config') return this.result(HealthStatus.HEALTHY, 'AI model configured');
    const probe = await probeModel({ ...this.options, apiKey }, signal);
    return this.result(probe.status, probe.message, { http_status: probe.httpStatus });
  }

  /** Shown on every status, timeouts and provider errors included. */
  get baseMetadata(): HealthMetadata {
    const { model, apiKey, mode } = this.options;
    return { provider: 'gemini', model, has_api_key: Boolean(apiKey), mode };
  }

  private result(
    status: HealthStatus,
    message: string,
    extra: HealthMetadata = {},
  ): IndicatorResult {
    return { status, message, metadata: { ...this.baseMetadata, ...extra } };
  }
}
