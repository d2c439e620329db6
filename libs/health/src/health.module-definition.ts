import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { HealthModuleOptions } from './health.options';
import type { HealthRoutesOptions } from './http/http.options';
import { HEALTH_MODULE_OPTIONS } from './shared/tokens';

export interface HealthModuleExtras {
  /** Make `HealthService` injectable everywhere without importing the module. Default true. */
  isGlobal?: boolean;
  /** Serve the HTTP endpoints. Default true. */
  exposeHttp?: boolean;
  /**
   * Record trends (and provide `HealthTrends`) even without their route or the status page,
   * which record them anyway. Default false.
   */
  recordTrends?: boolean;
  /**
   * Where the endpoints are mounted and which. Known when the module is declared (also with
   * `forRootAsync`, where it sits beside `useFactory`).
   */
  http?: HealthRoutesOptions;
}

export const { ConfigurableModuleClass, OPTIONS_TYPE, ASYNC_OPTIONS_TYPE } =
  new ConfigurableModuleBuilder<HealthModuleOptions>({
    moduleName: 'Health',
    optionsInjectionToken: HEALTH_MODULE_OPTIONS,
  })
    .setClassMethodName('forRoot')
    .setExtras<HealthModuleExtras>(
      { isGlobal: true, exposeHttp: true, recordTrends: false, http: undefined },
      (definition, extras) => ({ ...definition, global: extras.isGlobal }),
    )
    .build();
