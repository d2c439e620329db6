import { Module } from '@nestjs/common';
import { AiModule } from '../ai/ai.module';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { ResilienceModule } from '../resilience/resilience.module';
import { TextProcessingController } from './text-processing.controller';
import { TextProcessingService } from './text-processing.service';

@Module({
  imports: [AiModule, ResilienceModule],
  controllers: [TextProcessingController],
  providers: [TextProcessingService, ApiKeyGuard],
})
export class TextProcessingModule {}
