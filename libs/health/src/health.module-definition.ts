import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { HealthModuleOptions } from './health.options';

export interface HealthModuleExtras {
  /** Make `HealthService` injectable everywhere without importing the module. Default true. */
  isGlobal?: boolean;
  /** Serve the HTTP endpoints (`GET /v1/health`, `GET /health`). Default true. */
  exposeHttp?: boolean;
}

export const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN, OPTIONS_TYPE, ASYNC_OPTIONS_TYPE } =
  new ConfigurableModuleBuilder<HealthModuleOptions>({ moduleName: 'Health' })
    .setClassMethodName('forRoot')
    .setExtras<HealthModuleExtras>({ isGlobal: true, exposeHttp: true }, (definition, extras) => ({
      ...definition,
      global: extras.isGlobal,
    }))
    .build();
