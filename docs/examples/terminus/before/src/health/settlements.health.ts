import { HttpService } from '@nestjs/axios';
import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { firstValueFrom } from 'rxjs';
import { PAYMENTS_URL } from '../payments.config';

/** A custom Terminus indicator: the payments API's settlement backlog, read with @nestjs/axios. */
@Injectable()
export class SettlementsHealthIndicator {
  constructor(
    private readonly http: HttpService,
    private readonly healthIndicatorService: HealthIndicatorService,
  ) {}

  async isHealthy(key: string) {
    const indicator = this.healthIndicatorService.check(key);
    try {
      const url = `${PAYMENTS_URL}/settlements/status`;
      const { data } = await firstValueFrom(this.http.get<{ backlog: number }>(url));
      const details = { backlog: data.backlog };
      return data.backlog < 100 ? indicator.up(details) : indicator.down(details);
    } catch (error) {
      return indicator.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }
}
