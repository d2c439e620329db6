import { HealthMetricsGuard } from '@nest-health/core/metrics';
import { Controller, Get, Res, UseGuards } from '@nestjs/common';
import { PrometheusController } from '@willsoto/nestjs-prometheus';
import type { Response } from 'express';

/**
 * `GET /metrics` of `@willsoto/nestjs-prometheus` (prom-client's global registry: the process
 * metrics, the health series, the cache's and the circuit breakers'), behind
 * `HEALTH_METRICS_TOKEN` when it is set: 401 without a valid token, never cached.
 */
@Controller()
@UseGuards(HealthMetricsGuard)
export class MetricsController extends PrometheusController {
  @Get()
  override index(@Res({ passthrough: true }) response: Response): Promise<string> {
    return super.index(response);
  }
}
