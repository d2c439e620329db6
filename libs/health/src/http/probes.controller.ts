import { Controller, Get, Query, Res } from '@nestjs/common';
import type { CheckSelection } from '../core/health.service';
import { HealthService } from '../core/health.service';
import type { SystemHealthStatus } from '../core/health-status';
import { HealthStatus } from '../core/health-status';
import type { RawResponse } from './send';
import { sendText } from './send';

/** Checks tagged with this run for readiness; when none is, the critical checks do. */
export const READINESS_TAG = 'ready';

type ProbeQuery = { verbose?: unknown; exclude?: unknown };

/**
 * Kubernetes-style probes, in kube-apiserver's text format: `ok`, or one line per check
 * (`[+]cache ok`, `[-]ai_model failed`) with `?verbose` and on failure; `?exclude=name` leaves
 * a check out. Messages never appear here: names and verdicts only.
 */
@Controller('v1/health')
export class ProbesController {
  constructor(private readonly health: HealthService) {}

  /** 200 while the process can serve; runs no dependency check. */
  @Get('live')
  live(@Query() query: ProbeQuery, @Res() res: RawResponse): void {
    sendText(res, 200, 'verbose' in query ? '[+]process ok\nlive check passed\n' : 'ok\n');
  }

  /** Runs the readiness checks; 503 when one is unhealthy or while the service drains. */
  @Get('ready')
  async ready(@Query() query: ProbeQuery, @Res() res: RawResponse): Promise<void> {
    if (this.health.isDraining) {
      return sendText(
        res,
        503,
        '[-]shutdown failed: draining\nreadiness check failed: the service is draining\n',
      );
    }
    const report = await this.health.check(this.readinessSelection(excluded(query)));
    const passed = report.components.every((c) => c.status !== HealthStatus.UNHEALTHY);
    const verbose = 'verbose' in query || !passed;
    const verdict = passed ? 'readiness check passed' : 'readiness check failed';
    sendText(res, passed ? 200 : 503, verbose ? `${lines(report)}${verdict}\n` : 'ok\n');
  }

  /** 503 until the first full evaluation has finished, then 200. */
  @Get('startup')
  startup(@Res() res: RawResponse): void {
    if (this.health.started) return sendText(res, 200, 'ok\n');
    sendText(res, 503, 'startup check failed: the first health evaluation has not finished\n');
  }

  private readinessSelection(exclude: string[]): CheckSelection {
    return this.health.hasTag(READINESS_TAG)
      ? { tags: [READINESS_TAG], exclude }
      : { criticalOnly: true, exclude };
  }
}

function lines(report: SystemHealthStatus): string {
  return report.components
    .map((c) => {
      if (c.status === HealthStatus.UNHEALTHY) return `[-]${c.name} failed\n`;
      return `[+]${c.name} ${c.status === HealthStatus.DEGRADED ? 'degraded' : 'ok'}\n`;
    })
    .join('');
}

function excluded({ exclude }: ProbeQuery): string[] {
  const values = Array.isArray(exclude) ? exclude : [exclude];
  return values.filter((v): v is string => typeof v === 'string' && v !== '');
}
