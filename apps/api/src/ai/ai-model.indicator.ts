import type { HealthIndicator, IndicatorResult } from '@app/health';
import { HealthStatus, RegisterHealthIndicator } from '@app/health';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DEFAULT_AI_MODEL } from '../config/app.config';

/** `ai_model`: configured when a Gemini key is set. Makes no network call. */
@RegisterHealthIndicator()
@Injectable()
export class AiModelIndicator implements HealthIndicator {
  readonly name = 'ai_model';

  constructor(private readonly config: ConfigService) {}

  check(): IndicatorResult {
    const hasKey = Boolean(this.config.get<string>('GEMINI_API_KEY'));
    const metadata = {
      provider: 'gemini',
      model: this.config.get<string>('AI_MODEL') || DEFAULT_AI_MODEL,
      has_api_key: hasKey,
    };
    return hasKey
      ? { status: HealthStatus.HEALTHY, message: 'AI model configured', metadata }
      : { status: HealthStatus.DEGRADED, message: 'Missing Gemini API key', metadata };
  }
}
