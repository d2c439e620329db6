import type { INestApplication } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HealthModule } from '../health.module';
import { ConfigFileWatcher, readConfigurationFile } from './config-file.watcher';
import { HealthStatus } from './health-status';
import { HealthService } from './health.service';

describe('the configuration file', () => {
  let dir: string;
  let file: string;
  let app: INestApplication | undefined;
  let warnings: string[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'health-config-'));
    file = join(dir, 'health.json');
    warnings = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(((line: unknown) => {
      warnings.push(String(line));
    }) as never);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    rmSync(dir, { recursive: true, force: true });
    jest.restoreAllMocks();
  });

  async function boot(): Promise<HealthService> {
    const moduleRef = await Test.createTestingModule({
      imports: [
        HealthModule.forRoot({
          evaluationIntervalMs: 0,
          configFile: file,
          configFileIntervalMs: 20,
          checks: [
            {
              name: 'db',
              check: () =>
                new Promise((resolve) =>
                  setTimeout(() => resolve({ status: HealthStatus.HEALTHY }), 120),
                ),
            },
          ],
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    return app.get(HealthService);
  }

  async function until(condition: () => boolean): Promise<void> {
    for (let i = 0; i < 200 && !condition(); i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(condition()).toBe(true);
  }

  it('is read at startup and again when edited, changing what the next evaluation does', async () => {
    writeFileSync(file, JSON.stringify({ checks: { db: { timeoutMs: 1000 } } }));
    const health = await boot();
    expect(health.configuration().checks.db.timeoutMs).toEqual({ value: 1000, source: 'file' });
    expect((await health.checkComponent('db')).status).toBe(HealthStatus.HEALTHY);
    writeFileSync(file, JSON.stringify({ checks: { db: { timeoutMs: 50 } } }));
    await until(() => health.configuration().checks.db.timeoutMs.value === 50);
    // Seen in behaviour: the 120 ms check now times out.
    expect(await health.checkComponent('db')).toMatchObject({
      status: HealthStatus.DEGRADED,
      message: 'db timed out after 50 ms',
    });
    // A runtime change still wins over the file.
    health.applyConfiguration({ checks: { db: { timeoutMs: 500 } } });
    expect(health.configuration().checks.db.timeoutMs.source).toBe('runtime');
  });

  it('keeps the last good configuration when the file turns bad, says why and counts it', async () => {
    writeFileSync(file, JSON.stringify({ defaults: { timeoutMs: 700 } }));
    const health = await boot();
    const version = health.configuration().version;
    writeFileSync(file, '{ "defaults": { "timeoutMs": -1 } }  ');
    const watcher = app!.get(ConfigFileWatcher);
    await until(() => watcher.failures === 1);
    writeFileSync(file, 'not json at all');
    await until(() => watcher.failures === 2);
    expect(health.configuration().defaults.timeoutMs).toEqual({ value: 700, source: 'file' });
    expect(health.configuration().version).toBe(version);
    expect(warnings[0]).toContain(
      `configuration file ${file} not applied, keeping version ${version}`,
    );
    expect(warnings[0]).toContain('defaults.timeoutMs: -1');
    expect(warnings[1]).toContain('not JSON');
  });

  it('stops startup on a bad or missing file, naming it', async () => {
    writeFileSync(file, '{"checks": {"db": {"mode": "dark"}}}');
    await expect(boot()).rejects.toThrow(
      /configFile: ".*health\.json" \(expected a readable JSON or YAML configuration file \(Invalid setting checks\.db\.mode/,
    );
    app = undefined;
    expect(() => readConfigurationFile(join(dir, 'missing.json'))).toThrow(/ENOENT/);
  });

  it('reads YAML from a .yaml or .yml file, and names what is wrong in a bad one', async () => {
    file = join(dir, 'health.yaml');
    writeFileSync(
      file,
      [
        '# a ConfigMap key',
        'defaults:',
        '  retries: 2',
        'checks:',
        '  db:',
        '    timeoutMs: 60',
        '    tags: [ready]',
      ].join('\n'),
    );
    const health = await boot();
    expect(health.configuration().checks.db.timeoutMs).toEqual({ value: 60, source: 'file' });
    expect(health.configuration().checks.db.tags.value).toEqual(['ready']);
    expect(health.configuration().defaults.retries).toEqual({ value: 2, source: 'file' });

    // Edited while running: a bad document keeps the last good configuration.
    writeFileSync(file, 'checks:\n  db: [1\n');
    await until(() => health.configReloadFailures === 1);
    expect(warnings.join('\n')).toMatch(/health\.yaml not applied, keeping version 2: not YAML: /);
    expect(health.configuration().checks.db.timeoutMs.value).toBe(60);

    const yml = join(dir, 'health.yml');
    writeFileSync(yml, 'checks:\n  db:\n    timeoutMs: 5\n    timeoutMs: 6\n');
    expect(() => readConfigurationFile(yml)).toThrow(/not YAML: Map keys must be unique/);
    writeFileSync(yml, 'checks: !!js/function x\n');
    expect(() => readConfigurationFile(yml)).toThrow(/not YAML: Unresolved tag/);
    writeFileSync(yml, 'checks:\n  db:\n    mode: dark\n');
    expect(() => readConfigurationFile(yml)).toThrow(/checks\.db\.mode/);
    writeFileSync(yml, 'checks:\n  db:\n    timeoutMs: 70\n');
    expect(readConfigurationFile(yml)).toEqual({ checks: { db: { timeoutMs: 70 } } });
  });
});
