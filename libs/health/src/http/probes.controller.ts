import type { Type } from '@nestjs/common';
import { Controller, Get, Injectable, Query, Res } from '@nestjs/common';
import { HealthService } from '../core/health.service';
import type { HealthRouteVersion } from '../shared/routes';
import { HealthHttpSettings } from './health-http.settings';
import { evaluationLine, readinessAnswer } from './probes';
import type { PassthroughResponse } from './response';
import { text } from './response';

type ProbeQuery = { verbose?: unknown; exclude?: unknown };

/**
 * Kubernetes-style probes, in kube-apiserver's text format: `ok`, or one line per check
 * (`[+]cache ok`, `[-]ai_model failed`) with `?verbose` and on failure; `?exclude=name` leaves a
 * check out. Messages never appear here: names and verdicts only.
 */
@Injectable()
export class ProbesRoutes {
  constructor(
    readonly health: HealthService,
    readonly http: HealthHttpSettings,
  ) {}

  /** 200 while the process can serve; runs no dependency check. */
  @Get('live')
  live(@Query() query: ProbeQuery, @Res({ passthrough: true }) res: PassthroughResponse): string {
    if (!('verbose' in query)) return text(res, 200, 'ok\n');
    return text(res, 200, `[+]process ok\n${evaluationLine(this.health)}\nlive check passed\n`);
  }

  /** Runs the readiness checks; 503 when one is unhealthy or while the service drains. */
  @Get('ready')
  async ready(
    @Query() query: ProbeQuery,
    @Res({ passthrough: true }) res: PassthroughResponse,
  ): Promise<string> {
    const { status, body } = await readinessAnswer(
      this.health,
      this.http.settings.probeTimeoutMs,
      'verbose' in query,
      excluded(query),
    );
    return text(res, status, body);
  }

  /** 503 until the first full evaluation has finished, then 200. */
  @Get('startup')
  startup(@Res({ passthrough: true }) res: PassthroughResponse): string {
    if (this.health.started) return text(res, 200, 'ok\n');
    return text(res, 503, 'startup check failed: the first health evaluation has not finished\n');
  }
}

function excluded({ exclude }: ProbeQuery): string[] {
  const values = Array.isArray(exclude) ? exclude : [exclude];
  return values.filter((v): v is string => typeof v === 'string' && v !== '');
}

export function probesController(basePath: string, version: HealthRouteVersion): Type {
  @Controller({ path: basePath, version })
  class ProbesController extends ProbesRoutes {}
  return ProbesController;
}
