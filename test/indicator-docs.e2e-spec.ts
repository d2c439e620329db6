// The examples of docs/indicators/{mysql,amqp,nats,mqtt,mongodb,recipes}.md, run as written
// against the machine's servers (the TEST_*_URL overrides win), and the pages checked: every
// ```ts block is marked and is an excerpt of the file it names.
import { HealthService, HealthStatus } from '@nest-health/core';
import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import mongoose from 'mongoose';
import { Pool } from 'pg';
import { Sequelize } from 'sequelize';
import { DataSource } from 'typeorm';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { closedPort, provideServer, readingBlackHole } from './support/brokers';
import type { ProvidedServer, TestServerKind } from './support/brokers';
import { isExcerpt, tsBlocks } from './support/excerpt';
import type { FakeMongod } from './support/fake-mongod';
import { startFakeMongod } from './support/fake-mongod';
import { testDatabase } from './support/postgres';
import { kafkaIndicator } from './examples/recipes/kafka.example';
import { mikroOrmIndicator } from './examples/recipes/mikro-orm.example';
import { mongooseIndicator } from './examples/recipes/mongoose.example';
import { prismaIndicator } from './examples/recipes/prisma.example';
import { sequelizeIndicator } from './examples/recipes/sequelize.example';
import { typeormIndicator } from './examples/recipes/typeorm.example';
import type { DatabaseIndicator } from '@nest-health/core';

const ROOT = join(__dirname, '..');
const PG_URL = testDatabase().url;
let MYSQL_URL: string;

let fake: FakeMongod;
const servers: ProvidedServer[] = [];
beforeAll(async () => {
  const kinds: [TestServerKind, string][] = [
    ['mysql', 'MYSQL_URL'],
    ['amqp', 'AMQP_URL'],
    ['nats', 'NATS_URL'],
    ['mqtt', 'MQTT_URL'],
  ];
  for (const [kind, variable] of kinds) {
    const server = await provideServer(kind);
    servers.push(server);
    process.env[variable] = server.url;
  }
  MYSQL_URL = servers[0].url;
  fake = await startFakeMongod();
  process.env.MONGO_URL = fake.url;
});
afterAll(async () => {
  await fake.close();
  for (const server of servers) await server.stop();
});

async function boot(imported: Type | DynamicModule): Promise<INestApplication> {
  @Module({ imports: [imported] })
  class Host {}
  const moduleRef = await Test.createTestingModule({ imports: [Host] }).compile();
  return moduleRef.createNestApplication({ logger: false }).init();
}

/** One check of `name` in `made` alone, through the engine (2 s timeout by default). */
async function checkOnce(made: DatabaseIndicator, defaultTimeoutMs = 2000) {
  const health = new HealthService({ checks: [made], defaultTimeoutMs });
  try {
    return await health.checkComponent(made.name);
  } finally {
    health.onModuleDestroy();
  }
}

/**
 * The pages' example files, imported once the servers' URLs are in the environment (they read
 * them at load, as an app reads its configuration).
 */
const EXAMPLES: Record<string, string> = {
  mysql: 'test/examples/indicators/mysql.example.ts',
  amqp: 'test/examples/indicators/amqp.example.ts',
  nats: 'test/examples/indicators/nats.example.ts',
  mqtt: 'test/examples/indicators/mqtt.example.ts',
  mongodb: 'test/examples/indicators/mongodb.example.ts',
};

describe.each([
  ['mysql', 'orders_db', 'MariaDB', 'catalog_db', 'MySQL'],
  ['amqp', 'rabbitmq', 'RabbitMQ', 'events_bus', 'RabbitMQ'],
  ['nats', 'nats', 'NATS', 'events_bus', 'NATS'],
  ['mqtt', 'mqtt', 'MQTT broker', 'telemetry', 'MQTT broker'],
  ['mongodb', 'catalog_db', 'MongoDB', 'reviews_db', 'MongoDB'],
])('docs/indicators/%s.md', (page, quickName, quickLabel, providerName, providerLabel) => {
  type Example = {
    QuickHealthModule: DynamicModule;
    AppModule: Type;
    [indicator: string]: unknown;
  };
  let example: Example;
  beforeAll(async () => {
    example = (await import(join(ROOT, EXAMPLES[page]))) as Example;
  });

  it(`reports ${quickName} HEALTHY from checks, and closes it`, async () => {
    const app = await boot(example.QuickHealthModule);
    try {
      expect(await app.get(HealthService).checkComponent(quickName)).toMatchObject({
        status: HealthStatus.HEALTHY,
        message: `${quickLabel} reachable`,
      });
    } finally {
      await app.close();
      const quick = Object.values(example).find(
        (value) => (value as DatabaseIndicator)?.name === quickName,
      ) as DatabaseIndicator;
      await quick.onModuleDestroy();
    }
  });

  it(`reports ${providerName} HEALTHY as a provider Nest closes`, async () => {
    const app = await boot(example.AppModule);
    await expect(app.get(HealthService).checkComponent(providerName)).resolves.toMatchObject({
      status: HealthStatus.HEALTHY,
      message: `${providerLabel} reachable`,
    });
    await app.close();
  });
});

describe('docs/indicators/recipes.md', () => {
  it('TypeORM, on PostgreSQL and on MariaDB', async () => {
    for (const [options, label] of [
      [{ type: 'postgres', url: PG_URL }, 'PostgreSQL'],
      [{ type: 'mariadb', url: MYSQL_URL }, 'MariaDB'],
    ] as const) {
      const dataSource = await new DataSource(options).initialize();
      try {
        expect(await checkOnce(typeormIndicator(dataSource))).toMatchObject({
          status: HealthStatus.HEALTHY,
          message: `${label} reachable`,
          metadata: { driver: options.type },
        });
      } finally {
        await dataSource.destroy();
      }
      expect(await checkOnce(typeormIndicator(dataSource))).toMatchObject({
        status: HealthStatus.UNHEALTHY,
        message: expect.stringContaining(`${label} unreachable: `),
      });
    }
  });

  it('Sequelize, on MariaDB (mysql2) and on PostgreSQL (pg)', async () => {
    for (const [dialect, url, label] of [
      ['mysql', MYSQL_URL, 'MySQL'],
      ['postgres', PG_URL, 'PostgreSQL'],
    ] as const) {
      const sequelize = new Sequelize(url, { dialect, logging: false });
      try {
        expect(await checkOnce(sequelizeIndicator(sequelize))).toMatchObject({
          status: HealthStatus.HEALTHY,
          message: `${label} reachable`,
        });
      } finally {
        await sequelize.close();
      }
    }
    const port = await closedPort();
    const down = new Sequelize(`mysql://root@127.0.0.1:${port}/test`, { logging: false });
    expect(await checkOnce(sequelizeIndicator(down, 'orders_db'))).toMatchObject({
      status: HealthStatus.UNHEALTHY,
      message: expect.stringContaining('MySQL unreachable: connect ECONNREFUSED'),
    });
    await down.close();
  });

  it('Mongoose, against the MongoDB stand-in, and a closed connection', async () => {
    const connection = await mongoose.createConnection(fake.url).asPromise();
    const made = mongooseIndicator(connection);
    expect(await checkOnce(made)).toMatchObject({
      status: HealthStatus.HEALTHY,
      message: 'MongoDB reachable',
    });
    await connection.close();
    expect(await checkOnce(made)).toMatchObject({
      status: HealthStatus.UNHEALTHY,
      message: 'database check failed: MongoDB unreachable: connection state 0',
    });
  });

  it('Prisma, through its $queryRaw shape, on PostgreSQL', async () => {
    const pool = new Pool({ connectionString: PG_URL, max: 1 });
    // The one thing of PrismaClient the recipe uses, played by pg: the template's SQL as is.
    const prisma = { $queryRaw: (sql: TemplateStringsArray) => pool.query(sql.join('')) };
    try {
      expect(await checkOnce(prismaIndicator(prisma))).toMatchObject({
        status: HealthStatus.HEALTHY,
        message: 'PostgreSQL reachable',
      });
    } finally {
      await pool.end();
    }
    expect(await checkOnce(prismaIndicator(prisma))).toMatchObject({
      status: HealthStatus.UNHEALTHY,
      message: expect.stringContaining('PostgreSQL unreachable: Cannot use a pool after'),
    });
  });

  it('MikroORM, through checkConnection (no MikroORM driver is installed here)', async () => {
    const ok = { checkConnection: async () => ({ ok: true as const }) };
    expect(await checkOnce(mikroOrmIndicator(ok))).toMatchObject({
      status: HealthStatus.HEALTHY,
      message: 'PostgreSQL reachable',
    });
    const refused = {
      checkConnection: async () => ({
        ok: false as const,
        reason: 'connect ECONNREFUSED 127.0.0.1:5433',
      }),
    };
    expect(await checkOnce(mikroOrmIndicator(refused, 'mysql'))).toMatchObject({
      status: HealthStatus.UNHEALTHY,
      message: 'database check failed: MySQL unreachable: connect ECONNREFUSED 127.0.0.1:5433',
    });
  });

  it('Kafka: a refused broker is UNHEALTHY, a black hole DEGRADED (no broker runs here)', async () => {
    const port = await closedPort();
    const refused = kafkaIndicator([`127.0.0.1:${port}`]);
    expect(await checkOnce(refused)).toMatchObject({
      status: HealthStatus.UNHEALTHY,
      message: expect.stringMatching(/^kafka check failed: Kafka unreachable: .*ECONNREFUSED/),
    });
    await refused.onModuleDestroy();
    const hole = await readingBlackHole();
    const hanging = kafkaIndicator([`127.0.0.1:${hole.port}`]);
    try {
      expect(await checkOnce(hanging, 300)).toMatchObject({
        status: HealthStatus.DEGRADED,
        message: 'kafka timed out after 300 ms',
      });
    } finally {
      await hanging.onModuleDestroy();
      await hole.close();
    }
  });
});

describe('the pages', () => {
  it.each(['mysql', 'amqp', 'nats', 'mqtt', 'mongodb', 'recipes'])(
    'docs/indicators/%s.md shows marked excerpts of files this spec runs',
    (page) => {
      const blocks = tsBlocks(`docs/indicators/${page}.md`);
      expect(blocks.length).toBeGreaterThanOrEqual(1);
      for (const { path, code } of blocks) {
        const file =
          path && /^test\/examples\/(indicators|recipes)\/[a-z-]+\.example\.ts$/.test(path);
        const source = file ? readFileSync(join(ROOT, path), 'utf8') : '';
        expect([path, isExcerpt(code, source)]).toEqual([path, true]);
        expect([path, Boolean(file)]).toEqual([path, true]);
      }
    },
  );
});
