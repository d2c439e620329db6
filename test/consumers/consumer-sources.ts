/**
 * The files of the throwaway consumer apps: an outside team's code, written against the published
 * API of `@nest-health/core` only. Kept as strings so that the repository's own type-check, lint
 * and Jest never compile them (app (c) is Nest 12, ESM-only; the repo is Nest 11 and CommonJS).
 */

export type Platform = 'express' | 'fastify';

export interface ConsumerAppSpec {
  /** Folder name under the workspace and the label of the tests. */
  name: string;
  platform: Platform;
  /** Nest major: 11 (CommonJS app) or 12 (ESM app: `"type": "module"`, NodeNext). */
  nest: 11 | 12;
  /**
   * How tsc resolves modules: `node10` reads `typesVersions` (the classic `nest new` CommonJS
   * setup), `nodenext` reads the `exports` map (Nest 11's newer starter, and any ESM app).
   */
  resolution: 'node10' | 'nodenext';
  /** Also depends on `@nestjs/terminus` 12: two Terminus indicators as checks, the Terminus route. */
  terminus?: boolean;
  /**
   * Also has the design card's packages: `ScheduleModule.forRoot()` (`@nestjs/schedule`, with a
   * route listing its intervals) and `PrometheusModule.register()` (`@willsoto/nestjs-prometheus`,
   * serving `/metrics`), beside a plain `HealthMetricsModule.forRoot()`.
   */
  scheduleAndPrometheus?: boolean;
  /**
   * Also has the projects of `libraryTypesFiles()`: the package's types, checked with
   * `skipLibCheck: false` (the app installs Nest and prom-client only, no other peer).
   */
  libraryTypes?: boolean;
}

/** The admin key of the apps' runtime configuration endpoint (`HealthConfigModule`). */
export const CONSUMER_ADMIN_KEY = 'consumer-admin-key-0001';

/** Version ranges the generated apps depend on. */
export const VERSIONS = {
  nest11: '^11.1.0',
  nest12: '^12.5.0',
  promClient: '^15.1.3',
  terminus: '^12.1.0',
  schedule11: '^6.1.0',
  schedule12: '^12.0.0',
  willsoto: '^6.1.1',
  reflectMetadata: '^0.2.2',
  rxjs: '^7.8.1',
} as const;

/** The Nest packages (and their usual companions) an app of this spec depends on. */
export function nestDependencies(
  nest: 11 | 12,
  platform: Platform | undefined,
): Record<string, string> {
  const range = nest === 12 ? VERSIONS.nest12 : VERSIONS.nest11;
  const deps: Record<string, string> = {
    '@nestjs/common': range,
    '@nestjs/core': range,
    'reflect-metadata': VERSIONS.reflectMetadata,
    rxjs: VERSIONS.rxjs,
  };
  if (platform) deps[`@nestjs/platform-${platform}`] = range;
  return deps;
}

export function packageJson(
  spec: Pick<ConsumerAppSpec, 'name' | 'nest'>,
  dependencies: Record<string, string>,
): string {
  const pkg: Record<string, unknown> = {
    name: `consumer-${spec.name}`,
    version: '0.0.0',
    private: true,
    ...(spec.nest === 12 ? { type: 'module' } : {}),
    dependencies,
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

/** Compiler options of an app; Node's types come from the repository's own `node_modules/@types`. */
function compilerOptions(
  resolution: ConsumerAppSpec['resolution'],
  typeRoots: string,
): Record<string, unknown> {
  return {
    ...(resolution === 'nodenext'
      ? { module: 'NodeNext', moduleResolution: 'NodeNext' }
      : { module: 'commonjs', moduleResolution: 'node10' }),
    target: 'ES2022',
    lib: ['ES2022'],
    strict: true,
    skipLibCheck: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    esModuleInterop: true,
    forceConsistentCasingInFileNames: true,
    typeRoots: [typeRoots],
    types: ['node'],
  };
}

/** tsconfig of an app. */
export function tsconfigJson(spec: ConsumerAppSpec, typeRoots: string): string {
  const config = {
    compilerOptions: {
      ...compilerOptions(spec.resolution, typeRoots),
      rootDir: 'src',
      outDir: 'dist',
    },
    include: ['src/**/*.ts'],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/**
 * The entries an app with Nest and prom-client only may import: the main entry, `/metrics`, and
 * the entries that need no peer (the README's "nothing more").
 */
export const ENTRIES_WITHOUT_OTHER_PEERS = [
  '',
  '/config',
  '/gemini',
  '/metrics',
  '/terminus',
  '/testing',
];

/** Module resolutions the package's types are checked under: `typesVersions` and `exports`. */
export const TYPE_RESOLUTIONS = ['node10', 'nodenext'] as const;

/** The project checking the package's types under `resolution`: `tsconfig.library-types.<resolution>.json`. */
export function libraryTypesProject(resolution: (typeof TYPE_RESOLUTIONS)[number]): string {
  return `tsconfig.library-types.${resolution}.json`;
}

/**
 * A file importing every entry of `ENTRIES_WITHOUT_OTHER_PEERS`, and a project per resolution
 * that checks it with `skipLibCheck: false`: then tsc checks every declaration those entries
 * reach, and a type naming a package the app did not install fails (TS2307). Outside `src/`, so
 * the app's own build never sees it.
 */
export function libraryTypesFiles(typeRoots: string): Record<string, string> {
  const entries = ENTRIES_WITHOUT_OTHER_PEERS.map((entry, i) => [
    `entry${i}`,
    `@nest-health/core${entry}`,
  ]);
  const files: Record<string, string> = {
    'library-types/entries.ts': `${entries.map(([name, path]) => `import * as ${name} from '${path}';`).join('\n')}

export const entries = [${entries.map(([name]) => name).join(', ')}];
`,
  };
  for (const resolution of TYPE_RESOLUTIONS) {
    const checked = {
      compilerOptions: {
        ...compilerOptions(resolution, typeRoots),
        skipLibCheck: false,
        noEmit: true,
      },
      files: ['library-types/entries.ts'],
    };
    files[libraryTypesProject(resolution)] = `${JSON.stringify(checked, null, 2)}\n`;
  }
  return files;
}

/** `src/*.ts` of an app, by file name. */
export function sourceFiles(spec: ConsumerAppSpec): Record<string, string> {
  // Relative specifiers: `.js` is what NodeNext (and Node's ESM loader) needs; node10 takes it too.
  const js = spec.resolution === 'nodenext' ? '.js' : '';
  const fastify = spec.platform === 'fastify';
  const terminus = spec.terminus === true;
  const scheduled = spec.scheduleAndPrometheus === true;
  return {
    ...(terminus ? terminusFiles() : {}),
    ...(scheduled ? jobsFiles() : {}),
    'payments.client.ts': `import { Injectable } from '@nestjs/common';

/** The dependency the indicator is injected with: a stand-in for an HTTP client. */
@Injectable()
export class PaymentsClient {
  pings = 0;

  async ping(): Promise<boolean> {
    this.pings += 1;
    return true;
  }
}
`,
    'payments.indicator.ts': `import { Injectable } from '@nestjs/common';
import { HealthStatus, RegisterHealthIndicator } from '@nest-health/core';
import type { HealthIndicator, IndicatorResult } from '@nest-health/core';
import { PaymentsClient } from './payments.client${js}';

@Injectable()
@RegisterHealthIndicator()
export class PaymentsIndicator implements HealthIndicator {
  readonly name = 'payments';

  constructor(private readonly client: PaymentsClient) {}

  async check(): Promise<IndicatorResult> {
    const reachable = await this.client.ping();
    return reachable
      ? { status: HealthStatus.HEALTHY, message: 'payments reachable', metadata: { pings: this.client.pings } }
      : { status: HealthStatus.UNHEALTHY, message: 'payments unreachable' };
  }
}
`,
    'orders.service.ts': `import { Injectable } from '@nestjs/common';
import { HealthService } from '@nest-health/core';
import type { SystemHealthStatus } from '@nest-health/core';

/** The app's own service: HealthService is injectable anywhere (HealthModule is global). */
@Injectable()
export class OrdersService {
  constructor(private readonly health: HealthService) {}

  /** The last known status: runs no check. */
  paymentsHealthy(): boolean {
    return this.health.isHealthy('payments');
  }

  async componentNames(): Promise<string[]> {
    const report: SystemHealthStatus = await this.health.check();
    return report.components.map((component) => component.name);
  }
}
`,
    'orders.controller.ts': `import { Controller, Get } from '@nestjs/common';
import { OrdersService } from './orders.service${js}';

@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Get('status')
  status(): { paymentsHealthy: boolean } {
    return { paymentsHealthy: this.orders.paymentsHealthy() };
  }

  @Get('components')
  async components(): Promise<{ components: string[] }> {
    return { components: await this.orders.componentNames() };
  }
}
`,
    'app.module.ts': `import { Module } from '@nestjs/common';
import { HealthModule, HealthStatus } from '@nest-health/core';
import { HealthConfigModule } from '@nest-health/core/config';
import { HealthMetricsModule } from '@nest-health/core/metrics';
import { OrdersController } from './orders.controller${js}';
import { OrdersService } from './orders.service${js}';
import { PaymentsClient } from './payments.client${js}';
import { PaymentsIndicator } from './payments.indicator${js}';
${
  scheduled
    ? `import { ScheduleModule } from '@nestjs/schedule';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { JobsController } from './jobs.controller${js}';
`
    : ''
}${
      terminus
        ? `import { TerminusModule } from '@nestjs/terminus';
import { HealthTerminusModule } from '@nest-health/core/terminus';
import { TerminusChecks } from './terminus.checks${js}';
`
        : ''
    }
@Module({
  imports: [${scheduled ? '\n    ScheduleModule.forRoot(),\n    PrometheusModule.register(),' : ''}
    HealthModule.forRoot({
      version: '9.9.9',
      checks: [
        { name: 'inline', check: () => ({ status: HealthStatus.HEALTHY, message: 'inline ok' }) },
      ],
      // The legacy body's fields are the app's own: these are the Python template's.
      legacy: {
        fields: [
          { key: 'ai_model_available', component: 'ai_model', whenMissing: false },
          { key: 'resilience_healthy', component: 'resilience' },
          { key: 'cache_healthy', component: 'cache' },
        ],
      },
      // Beside the report and the probes: every other part, and GET /health redirecting.
      http: {
        endpoints: { legacy: true, trends: true, status: true, events: true },
        redirect: true,
      },
    }),
    HealthConfigModule.forRoot({ adminKeys: ['${CONSUMER_ADMIN_KEY}'] }),
    HealthMetricsModule.forRoot(),${terminus ? '\n    TerminusModule,\n    HealthTerminusModule.forRoot(),' : ''}
  ],
  controllers: [OrdersController${scheduled ? ', JobsController' : ''}],
  providers: [PaymentsClient, PaymentsIndicator, OrdersService${terminus ? ', TerminusChecks' : ''}],
})
export class AppModule {}
`,
    'main.ts': `import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
${
  fastify
    ? `import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
`
    : ''
}import { AppModule } from './app.module${js}';

async function bootstrap(): Promise<void> {
  const app = ${
    fastify
      ? 'await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter())'
      : 'await NestFactory.create(AppModule)'
  };
  app.setGlobalPrefix('api');
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
  console.log(\`listening on \${await app.getUrl()}\`);
}

bootstrap().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
`,
  };
}

/** A route listing the app's jobs in `SchedulerRegistry`: `jobs.controller.ts`. */
function jobsFiles(): Record<string, string> {
  return {
    'jobs.controller.ts': `import { Controller, Get } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';

@Controller('jobs')
export class JobsController {
  constructor(private readonly registry: SchedulerRegistry) {}

  @Get()
  jobs(): { intervals: string[] } {
    return { intervals: this.registry.getIntervals() };
  }
}
`,
  };
}

/** Terminus indicators registered as checks at startup: `terminus.checks.ts`. */
function terminusFiles(): Record<string, string> {
  return {
    'terminus.checks.ts': `import { Injectable } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import { HealthIndicatorService, MemoryHealthIndicator } from '@nestjs/terminus';
import { HealthService } from '@nest-health/core';
import { terminusCheck } from '@nest-health/core/terminus';

@Injectable()
export class TerminusChecks implements OnModuleInit {
  constructor(
    private readonly health: HealthService,
    private readonly memory: MemoryHealthIndicator,
    private readonly indicators: HealthIndicatorService,
  ) {}

  onModuleInit(): void {
    this.health.register(
      terminusCheck('heap', () => this.memory.checkHeap('heap', 4 * 1024 * 1024 * 1024)),
    );
    this.health.register(
      terminusCheck('queue', () => this.indicators.check('queue').up({ depth: 0 }), {
        tags: ['ready'],
      }),
    );
  }
}
`,
  };
}
