import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { parseProcessRequest } from './process-request';
import type { ProcessResponse } from './text-processing.service';
import { TextProcessingService } from './text-processing.service';

@Controller('v1/text_processing')
@UseGuards(ApiKeyGuard)
export class TextProcessingController {
  constructor(private readonly service: TextProcessingService) {}

  @Post('process')
  @HttpCode(200)
  process(@Body() body: unknown): Promise<ProcessResponse> {
    return this.service.process(parseProcessRequest(body));
  }
}
