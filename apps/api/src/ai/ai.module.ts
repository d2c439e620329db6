import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AiSettings } from './ai.config';
import { aiSettingsFromEnv } from './ai.config';
import { GeminiClient } from './gemini.client';

export const AI_SETTINGS = Symbol('AI_SETTINGS');

@Module({
  providers: [
    { provide: AI_SETTINGS, inject: [ConfigService], useFactory: aiSettingsFromEnv },
    {
      provide: GeminiClient,
      inject: [AI_SETTINGS],
      useFactory: (settings: AiSettings) => new GeminiClient(settings),
    },
  ],
  exports: [AI_SETTINGS, GeminiClient],
})
export class AiModule {}
