import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AiModule } from '../ai/ai.module';
import { AuthModule } from '../auth/auth.module';
import { CacheModule } from '../cache/cache.module';
import { CacheService } from '../cache/cache.service';
import { ResilienceModule } from '../resilience/resilience.module';
import { AnswerCache } from './answer-cache';
import { answerTtlsFromEnv } from './answer-cache.config';
import { TextProcessingController } from './text-processing.controller';
import { TextProcessingService } from './text-processing.service';

@Module({
  imports: [AiModule, AuthModule, CacheModule, ResilienceModule],
  controllers: [TextProcessingController],
  providers: [
    TextProcessingService,
    {
      provide: AnswerCache,
      inject: [CacheService, ConfigService],
      useFactory: (cache: CacheService, config: ConfigService) =>
        new AnswerCache(cache, answerTtlsFromEnv(config)),
    },
  ],
})
export class TextProcessingModule {}
