import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { HealthRouteVersion } from '../shared/routes';
import type { HealthConfigModuleOptions } from './config.options';

export interface HealthConfigModuleExtras {
  /** Make `HealthConfigService` injectable everywhere. Default true. */
  isGlobal?: boolean;
  /**
   * Where the admin endpoint (`GET|PATCH|DELETE`) is mounted, under the host's global prefix:
   * `path` default `v1/health/config`, `version` default VERSION_NEUTRAL; `false`: not mounted.
   */
  http?: false | { path?: string; version?: HealthRouteVersion };
}

export const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN, OPTIONS_TYPE, ASYNC_OPTIONS_TYPE } =
  new ConfigurableModuleBuilder<HealthConfigModuleOptions>({ moduleName: 'HealthConfig' })
    .setClassMethodName('forRoot')
    .setExtras<HealthConfigModuleExtras>(
      { isGlobal: true, http: undefined },
      (definition, extras) => ({ ...definition, global: extras.isGlobal }),
    )
    .build();
