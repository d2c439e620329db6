import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { DetailsAccess } from '../auth/details-access';
import { parseProcessRequest } from './process-request';
import type { ProcessResponse } from './text-processing.service';
import { TextProcessingService } from './text-processing.service';

/**
 * Where the controller is mounted. `configureApp` checks the API key on this path before the body
 * parsers run; the guard checks it again on the route.
 */
export const TEXT_PROCESSING_PATH = 'v1/text_processing';

@Controller(TEXT_PROCESSING_PATH)
@UseGuards(ApiKeyGuard)
export class TextProcessingController {
  constructor(
    private readonly service: TextProcessingService,
    private readonly access: DetailsAccess,
  ) {}

  @Post('process')
  @HttpCode(200)
  async process(@Body() body: unknown, @Req() request: Request): Promise<ProcessResponse> {
    const parsed = parseProcessRequest(body);
    return this.service.process(parsed, { details: await this.access.allows(request) });
  }
}
