import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { templateHealthOptions } from '../health/template-preset';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeys } from './api-keys';
import { apiKeysFromEnv } from './auth.config';
import { DetailsAccess } from './details-access';

/** The service's API keys, the guard that requires them, and who may see details. */
@Module({
  providers: [
    {
      provide: ApiKeys,
      inject: [ConfigService],
      useFactory: (config: ConfigService) => new ApiKeys(apiKeysFromEnv(config)),
    },
    {
      provide: DetailsAccess,
      inject: [ConfigService],
      // The options the health endpoints get, so both follow one rule.
      useFactory: (config: ConfigService) => new DetailsAccess(templateHealthOptions(config)),
    },
    ApiKeyGuard,
  ],
  exports: [ApiKeys, ApiKeyGuard, DetailsAccess],
})
export class AuthModule {}
