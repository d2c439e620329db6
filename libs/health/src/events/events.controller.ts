import type { Type } from '@nestjs/common';
import { Controller, Get, Req, Res } from '@nestjs/common';
import type { StreamRequest } from './event-stream';
import { HealthEventStream } from './event-stream';
import type { HealthRouteVersion } from '../shared/routes';
import type { RawResponse } from '../shared/send';

/**
 * `GET <base>/events`: `text/event-stream` of reports and transitions. The response is written
 * on the raw Node response (Express's, or Fastify's `reply.raw`, the reply hijacked): a stream
 * is no body Nest could send.
 */
export function eventsController(basePath: string, version: HealthRouteVersion): Type {
  @Controller({ path: basePath, version })
  class HealthEventsController {
    constructor(readonly stream: HealthEventStream) {}

    @Get('events')
    async events(@Req() req: StreamRequest, @Res() res: RawResponse): Promise<void> {
      await this.stream.connect(req, res);
    }
  }
  return HealthEventsController;
}
