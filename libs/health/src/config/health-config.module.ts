import type { DynamicModule, Provider } from '@nestjs/common';
import { Module, VERSION_NEUTRAL } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { DetailsAccess } from '../core/ports';
import { CONFIG_STATUS, DETAILS_ACCESS } from '../core/ports';
import { HealthConfigurationError } from '../shared/errors';
import { routeClashCheck } from '../shared/route-clash';
import { routePath } from '../shared/routes';
import { ADMIN_PATH, AdminGate } from './admin-gate';
import { ConfigFileWatcher } from './config-file.watcher';
import { ConfigFleet } from './config-fleet';
import { configController } from './config.controller';
import type { HealthConfigModuleOptions, ResolvedConfigSettings } from './config.options';
import { CONFIG_SETTINGS, resolveConfigSettings } from './config.options';
import { HealthConfigService } from './health-config.service';
import type { HealthConfigModuleExtras } from './health-config.module-definition';
import {
  ASYNC_OPTIONS_TYPE,
  ConfigurableModuleClass,
  MODULE_OPTIONS_TOKEN,
  OPTIONS_TYPE,
} from './health-config.module-definition';

/** The settings, with no admin key that is also a details key of `HealthModule`. */
function settingsOf(
  options: HealthConfigModuleOptions | undefined,
  access?: DetailsAccess,
): ResolvedConfigSettings {
  const settings = resolveConfigSettings(options ?? {});
  if (access && settings.adminKeys.some((key) => access.isDetailsKey(key))) {
    throw new HealthConfigurationError(
      'adminKeys',
      '***',
      'keys other than the details keys: an admin key may not be a details key',
    );
  }
  return settings;
}

/**
 * Runtime configuration, for apps that change checks' settings while running:
 * `HealthConfigService` (apply, preview, reset, the effective configuration with sources), the
 * watched configuration file, the fleet store, and the admin endpoint. Needs `HealthModule` in
 * the app. Without this module the engine runs on its options alone.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    {
      provide: CONFIG_SETTINGS,
      inject: [MODULE_OPTIONS_TOKEN, { token: DETAILS_ACCESS, optional: true }],
      useFactory: settingsOf,
    },
    HealthConfigService,
    { provide: CONFIG_STATUS, useExisting: HealthConfigService },
    ConfigFileWatcher,
    ConfigFleet,
  ],
  exports: [HealthConfigService, ConfigFleet, CONFIG_STATUS],
})
export class HealthConfigModule extends ConfigurableModuleClass {
  static forRoot(options: typeof OPTIONS_TYPE = {}): DynamicModule {
    return withAdminEndpoint(super.forRoot(options), options);
  }

  static forRootAsync(options: typeof ASYNC_OPTIONS_TYPE): DynamicModule {
    return withAdminEndpoint(super.forRootAsync(options), options);
  }
}

function withAdminEndpoint(module: DynamicModule, extras: HealthConfigModuleExtras): DynamicModule {
  if (extras.http === false) return module;
  const path = routePath('http.path', extras.http?.path, 'v1/health/config', 'v1/health/config');
  const controller = configController(path, extras.http?.version ?? VERSION_NEUTRAL);
  const providers: Provider[] = [
    ...(module.providers ?? []),
    { provide: ADMIN_PATH, useValue: path },
    AdminGate,
    routeClashCheck('HealthConfigModule', [controller]),
  ];
  return { ...module, controllers: [controller], providers };
}
