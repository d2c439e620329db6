// docs/indicators/ai-model.md's registration: test/docs/indicators.e2e-spec.ts boots it.
import { HealthModule, healthOptionsFromEnv } from '@nest-health/core';
import { AiModelIndicator } from '@nest-health/core/gemini';
import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';

@Module({
  imports: [
    ConfigModule.forRoot(),
    HealthModule.forRootAsync({
      imports: [ConfigModule],
      inject: [ConfigService],
      useFactory: (config: ConfigService) => {
        const env = (name: string) => config.get<string>(name)?.trim() || undefined;
        const ttl = env('HEALTH_CHECK_AI_MODEL_PROBE_TTL_MS');
        const apiKey = env('GEMINI_API_KEY');
        const generic = healthOptionsFromEnv(config, { components: ['ai_model'] });
        return {
          ...generic,
          secrets: [...(generic.secrets ?? []), apiKey],
          checks: [
            new AiModelIndicator({
              apiKey,
              model: env('AI_MODEL'),
              baseUrl: env('GEMINI_BASE_URL'),
              mode: env('HEALTH_CHECK_AI_MODEL_PROBE') === 'true' ? 'probe' : 'config',
              probeTtlMs: ttl === undefined ? undefined : Number(ttl),
            }),
          ],
        };
      },
    }),
  ],
})
export class AppModule {}
