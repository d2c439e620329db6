import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
/** The package as built by the global setup (`npm run build:lib`). */
const PKG_DIR = join(ROOT, 'dist/libs/health');

interface PackageJson {
  name: string;
  main: string;
  types: string;
  exports: Record<string, string | { types: string; default: string }>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional: boolean }>;
}

const pkg = JSON.parse(readFileSync(join(PKG_DIR, 'package.json'), 'utf8')) as PackageJson;

/** Runs a script with node in the repository, where the package resolves by its name. */
function node(script: string): string {
  return execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' });
}

describe('the built package (dist/libs/health)', () => {
  it('is named, scoped, and points main, types and every export at files that exist', () => {
    expect(pkg.name).toBe('@nest-health/core');
    expect(existsSync(join(PKG_DIR, pkg.main))).toBe(true);
    expect(existsSync(join(PKG_DIR, pkg.types))).toBe(true);
    for (const [entry, target] of Object.entries(pkg.exports)) {
      if (typeof target === 'string') continue;
      expect([entry, existsSync(join(PKG_DIR, target.default))]).toEqual([entry, true]);
      expect([entry, existsSync(join(PKG_DIR, target.types))]).toEqual([entry, true]);
    }
    expect(Object.keys(pkg.exports)).toEqual([
      '.',
      './config',
      './gemini',
      './metrics',
      './webhooks',
      './postgres',
      './resilience',
      './terminus',
      './testing',
      './openapi',
      './grpc',
      './mysql',
      './amqp',
      './nats',
      './mqtt',
      './mongodb',
      './package.json',
    ]);
  });

  it('supports Nest 11 and 12, with what only some users need as optional peers', () => {
    expect(pkg.peerDependencies['@nestjs/common']).toBe('^11.0.0 || ^12.0.0');
    expect(pkg.peerDependencies['@nestjs/core']).toBe('^11.0.0 || ^12.0.0');
    for (const peer of [
      'ioredis',
      'pg',
      'mysql2',
      'amqplib',
      'nats',
      'mqtt',
      'mongodb',
      'prom-client',
      'cockatiel',
      '@nestjs/terminus',
      '@nestjs/swagger',
      '@nestjs/schedule',
      '@willsoto/nestjs-prometheus',
      '@grpc/grpc-js',
    ]) {
      expect([peer, pkg.peerDependenciesMeta[peer]?.optional]).toEqual([peer, true]);
    }
    // Looked for among the app's providers, never loaded: any version the app has.
    expect(pkg.peerDependencies['@nestjs/schedule']).toBe('^6.0.0 || ^12.0.0');
  });

  it('loads no optional peer from the main entry', () => {
    const loaded = node(`
      const core = require('@nest-health/core');
      if (typeof core.HealthModule !== 'function') throw new Error('no HealthModule');
      const peers = Object.keys(require.cache).filter((p) =>
        /node_modules\\/(prom-client|ioredis|pg|cockatiel|mysql2|amqplib|nats|mqtt|mongodb|@nestjs\\/schedule|@nestjs\\/swagger|@willsoto|@grpc)\\//.test(p));
      process.stdout.write(JSON.stringify(peers));
    `);
    expect(JSON.parse(loaded)).toEqual([]);
  });

  it.each([
    ['config', 'HealthConfigModule', null],
    ['gemini', 'AiModelIndicator', null],
    ['metrics', 'HealthMetricsModule', 'prom-client'],
    ['webhooks', 'HealthWebhooksModule', 'cockatiel'],
    ['postgres', 'createPostgresIndicator', 'pg'],
    ['mysql', 'createMysqlIndicator', 'mysql2'],
    ['amqp', 'createAmqpIndicator', 'amqplib'],
    ['nats', 'createNatsIndicator', 'nats'],
    ['mqtt', 'createMqttIndicator', 'mqtt'],
    ['mongodb', 'createMongodbIndicator', 'mongodb'],
    ['resilience', 'CircuitBreakerRegistry', 'cockatiel'],
    ['terminus', 'HealthTerminusModule', null],
    ['testing', 'ManualClock', null],
    ['openapi', 'documentHealthEndpoints', null],
    ['grpc', 'GrpcIndicator', '@grpc/grpc-js'],
  ])('serves /%s with %s, loading %s', (entry, name, peer) => {
    const out = node(`
      const sub = require('@nest-health/core/${entry}');
      const peers = Object.keys(require.cache).filter((p) =>
        /node_modules\\/(prom-client|ioredis|pg|cockatiel|mysql2|amqplib|nats|mqtt|mongodb|@grpc\\/grpc-js)\\//.test(p)).map((p) =>
        p.split('node_modules/')[1]).map((rest) =>
        rest.split('/').slice(0, rest.startsWith('@') ? 2 : 1).join('/'));
      process.stdout.write(JSON.stringify({ type: typeof sub.${name}, peers: [...new Set(peers)] }));
    `);
    const { type, peers } = JSON.parse(out) as { type: string; peers: string[] };
    expect(type).toBe('function');
    expect(peers).toEqual(peer ? [peer] : []);
  });

  it('packs declarations and JavaScript only: no specs, no source maps, no TypeScript sources', () => {
    const [report] = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json', PKG_DIR], {
        cwd: ROOT,
        encoding: 'utf8',
      }),
    ) as { files: { path: string }[] }[];
    const files = report.files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE']));
    expect(files).toEqual(expect.arrayContaining(['index.js', 'index.d.ts', 'metrics/index.js']));
    expect(files.filter((f) => /\.spec\.|\.map$|(?<!\.d)\.ts$/.test(f))).toEqual([]);
  });
});
