// @nest-health/core/config: runtime configuration. The fleet store needs the optional peer
// `ioredis`, a YAML configuration file the optional peer `yaml`; both are loaded only when used.
export { HealthConfigModule } from './health-config.module';
export type { HealthConfigModuleExtras } from './health-config.module-definition';
export type { HealthConfigModuleOptions } from './config.options';
export { healthConfigOptionsFromEnv } from './config.env';
export { HealthConfigService } from './health-config.service';
export type { ConfigChangeEvent, ConfigPatch } from './config-patch';
export type { ConfigChange, ConfigSource, HealthConfiguration } from '../core/check-settings';
export { readConfigurationFile } from './config-file.reader';
export { ConfigFleet, ConfigFleetUnavailableError } from './config-fleet';
export type { FleetStatus } from './config-fleet';
export type { ConfigFleetOptions } from './config-fleet.options';
