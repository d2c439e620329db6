import type { OnModuleInit } from '@nestjs/common';
import { Injectable, Logger } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { HealthCheckOptions, HealthIndicator } from './health-check';
import { HealthService } from './health.service';

/**
 * Marks an `@Injectable()` class implementing `HealthIndicator` so that `HealthModule` finds it
 * in any module of the app and registers it, with these options.
 */
export const RegisterHealthIndicator =
  DiscoveryService.createDecorator<HealthCheckOptions | void>();

/** Registers every provider marked with `@RegisterHealthIndicator()` when the app starts. */
@Injectable()
export class HealthIndicatorExplorer implements OnModuleInit {
  private readonly logger = new Logger('HealthIndicatorExplorer');

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly health: HealthService,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders({
      metadataKey: RegisterHealthIndicator.KEY,
    })) {
      const options = this.discovery.getMetadataByDecorator(RegisterHealthIndicator, wrapper) ?? {};
      if (!wrapper.isDependencyTreeStatic() || !wrapper.instance) {
        this.logger.warn(
          `${wrapper.name} is request-scoped or transient; health indicators must be singletons`,
        );
        continue;
      }
      this.health.register(wrapper.instance as HealthIndicator, options);
    }
  }
}
