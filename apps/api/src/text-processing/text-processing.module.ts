import { Module } from '@nestjs/common';
import { AiModule } from '../ai/ai.module';
import { AuthModule } from '../auth/auth.module';
import { ResilienceModule } from '../resilience/resilience.module';
import { TextProcessingController } from './text-processing.controller';
import { TextProcessingService } from './text-processing.service';

@Module({
  imports: [AiModule, AuthModule, ResilienceModule],
  controllers: [TextProcessingController],
  providers: [TextProcessingService],
})
export class TextProcessingModule {}
