import { Module } from '@nestjs/common';
import { AiModelIndicator } from './ai-model.indicator';

@Module({ providers: [AiModelIndicator] })
export class AiModule {}
