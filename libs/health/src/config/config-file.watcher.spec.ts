import type { INestApplication } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import fsPromises from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HealthModule } from '../health.module';
import { readConfigurationFile } from './config-file.reader';
import { ConfigFileWatcher } from './config-file.watcher';
import { HealthStatus } from '../core/health-status';
import { HealthService } from '../core/health.service';
import { HealthConfigModule } from './health-config.module';
import { HealthConfigService } from './health-config.service';
import { eventually } from '../../../../test/support/eventually';

/** Asked every 10 ms, for up to 2 s. */
const POLL = { timeoutMs: 2000, intervalMs: 10 };

describe('the configuration file', () => {
  let dir: string;
  let file: string;
  let app: INestApplication | undefined;
  let warnings: string[];
  const rescuers: ChildProcess[] = [];

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
    for (const rescuer of rescuers.splice(0)) rescuer.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    jest.restoreAllMocks();
  });

  async function boot(): Promise<HealthConfigService> {
    const moduleRef = await Test.createTestingModule({
      imports: [
        HealthConfigModule.forRoot({ configFile: file, configFileIntervalMs: 20 }),
        HealthModule.forRoot({
          evaluationIntervalMs: 0,
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
    return app.get(HealthConfigService);
  }

  /**
   * A real named pipe made at `path`, to be read as the configuration file. Code that opens it
   * blocking waits for a writer: a rescuer opens the file for writing (appending nothing) after
   * 3 s, so such code fails the test instead of hanging it.
   */
  function fifo(path: string): string {
    execFileSync('mkfifo', [path]);
    rescuers.push(spawn('sh', ['-c', 'sleep 3; : >> "$0"', file], { stdio: 'ignore' }));
    return path;
  }

  /** Puts `make(temporary path)` in place of the file at once, as `mv` does. */
  function replaceFile(make: (path: string) => void): void {
    const next = join(dir, `next-${Math.random()}`);
    make(next);
    renameSync(next, file);
  }

  it('is read at startup and again when edited, changing what the next evaluation does', async () => {
    writeFileSync(file, JSON.stringify({ checks: { db: { timeoutMs: 1000 } } }));
    const config = await boot();
    expect(config.configuration().checks.db.timeoutMs).toEqual({ value: 1000, source: 'file' });
    expect((await app!.get(HealthService).checkComponent('db')).status).toBe(HealthStatus.HEALTHY);
    writeFileSync(file, JSON.stringify({ checks: { db: { timeoutMs: 50 } } }));
    await eventually(() => config.configuration().checks.db.timeoutMs.value === 50, POLL);
    // Seen in behaviour: the 120 ms check now times out.
    expect(await app!.get(HealthService).checkComponent('db')).toMatchObject({
      status: HealthStatus.DEGRADED,
      message: 'db timed out after 50 ms',
    });
    // A runtime change still wins over the file.
    config.applyConfiguration({ checks: { db: { timeoutMs: 500 } } });
    expect(config.configuration().checks.db.timeoutMs.source).toBe('runtime');
  });

  it('keeps the last good configuration when the file turns bad, says why and counts it', async () => {
    writeFileSync(file, JSON.stringify({ defaults: { timeoutMs: 700 } }));
    const config = await boot();
    const version = config.configuration().version;
    writeFileSync(file, '{ "defaults": { "timeoutMs": -1 } }  ');
    const watcher = app!.get(ConfigFileWatcher);
    await eventually(() => watcher.failures === 1, POLL);
    writeFileSync(file, 'not json at all');
    await eventually(() => watcher.failures === 2, POLL);
    expect(config.configuration().defaults.timeoutMs).toEqual({ value: 700, source: 'file' });
    expect(config.configuration().version).toBe(version);
    expect(warnings[0]).toContain(
      `configuration file ${file} not applied, keeping version ${version}`,
    );
    expect(warnings[0]).toContain(
      'defaults.timeoutMs: a number (expected an integer number of milliseconds',
    );
    expect(warnings[1]).toMatch(/keeping version \d+: not valid JSON$/);
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
    const config = await boot();
    expect(config.configuration().checks.db.timeoutMs).toEqual({ value: 60, source: 'file' });
    expect(config.configuration().checks.db.tags.value).toEqual(['ready']);
    expect(config.configuration().defaults.retries).toEqual({ value: 2, source: 'file' });

    // Edited while running: a bad document keeps the last good configuration.
    writeFileSync(file, 'checks:\n  db: [1\n');
    await eventually(() => config.failures === 1, POLL);
    expect(warnings.join('\n')).toMatch(
      /health\.yaml not applied, keeping version 2: not valid YAML: BAD_INDENT at line 3, column 1$/,
    );
    expect(config.configuration().checks.db.timeoutMs.value).toBe(60);

    const yml = join(dir, 'health.yml');
    writeFileSync(yml, 'checks:\n  db:\n    timeoutMs: 5\n    timeoutMs: 6\n');
    expect(() => readConfigurationFile(yml)).toThrow(
      /^not valid YAML: DUPLICATE_KEY at line 4, column 5$/,
    );
    writeFileSync(yml, 'checks: !!js/function x\n');
    expect(() => readConfigurationFile(yml)).toThrow(
      /^not valid YAML: TAG_RESOLVE_FAILED at line 1, column 9$/,
    );
    writeFileSync(yml, 'checks:\n  db:\n    mode: dark\n');
    expect(() => readConfigurationFile(yml)).toThrow(/checks\.db\.mode/);
    writeFileSync(yml, 'checks:\n  db:\n    timeoutMs: 70\n');
    expect(readConfigurationFile(yml)).toEqual({ checks: { db: { timeoutMs: 70 } } });
  });

  it('stops startup on a named pipe at once, naming the file and its kind', async () => {
    fifo(file);
    await expect(boot()).rejects.toThrow(
      /^Invalid setting configFile: ".*health\.json" \(expected a readable JSON or YAML configuration file \(a named pipe, not a regular file \(only regular files are read\)\)\)$/,
    );
    app = undefined;
  });

  it('refuses a named pipe, a /dev/zero symlink, a directory or a file over the cap put in its place, keeping the last good one', async () => {
    writeFileSync(file, JSON.stringify({ checks: { db: { timeoutMs: 700 } } }));
    const config = await boot();
    const version = config.configuration().version;
    const refusals: [(path: string) => void, RegExp][] = [
      [fifo, /: a named pipe, not a regular file/],
      [(path) => symlinkSync('/dev/zero', path), /: a character device, not a regular file/],
      [(path) => symlinkSync(dir, path), /: a directory, not a regular file/],
      [
        (path) => execFileSync('truncate', ['-s', '2M', path]),
        /: 2097152 bytes, over the 1 MiB cap of a JSON configuration file$/,
      ],
    ];
    for (const [index, [make, why]] of refusals.entries()) {
      replaceFile(make);
      await eventually(() => config.failures === index + 1, POLL);
      expect(warnings[index]).toContain(
        `configuration file ${file} not applied, keeping version ${version}`,
      );
      expect(warnings[index]).toMatch(why);
      expect(config.configuration().checks.db.timeoutMs).toEqual({ value: 700, source: 'file' });
    }
    // Refused once each, not at every poll; a good file again is applied.
    replaceFile((path) =>
      writeFileSync(path, JSON.stringify({ checks: { db: { timeoutMs: 60 } } })),
    );
    await eventually(() => config.configuration().checks.db.timeoutMs.value === 60, POLL);
    expect(config.failures).toBe(refusals.length);
  });

  it('follows a ConfigMap swapping its ..data symlink', async () => {
    const version = (name: string, timeoutMs: number): void => {
      mkdirSync(join(dir, name));
      writeFileSync(
        join(dir, name, 'health.json'),
        JSON.stringify({ checks: { db: { timeoutMs } } }),
      );
    };
    version('..v1', 300);
    symlinkSync('..v1', join(dir, '..data'));
    symlinkSync(join('..data', 'health.json'), file);
    const config = await boot();
    expect(config.configuration().checks.db.timeoutMs.value).toBe(300);
    version('..v2', 400);
    symlinkSync('..v2', join(dir, '..data_tmp'));
    renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
    await eventually(() => config.configuration().checks.db.timeoutMs.value === 400, POLL);
  });

  it('skips a poll while the last read still runs, then reads the newest file', async () => {
    writeFileSync(file, JSON.stringify({ checks: { db: { timeoutMs: 100 } } }));
    const config = await boot();
    const open = fsPromises.open.bind(fsPromises);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let reading = 0;
    let mostAtOnce = 0;
    const opens = jest.spyOn(fsPromises, 'open').mockImplementation(async (...args) => {
      mostAtOnce = Math.max(mostAtOnce, ++reading);
      // The first read is slow: it waits until released.
      if (opens.mock.calls.length === 1) await held;
      try {
        return await open(...args);
      } finally {
        reading--;
      }
    });
    writeFileSync(file, JSON.stringify({ checks: { db: { timeoutMs: 200 } } }));
    await eventually(() => opens.mock.calls.length === 1, POLL);
    // Changed again while that read hangs: ticks fire (every 20 ms) but start no second read.
    writeFileSync(file, JSON.stringify({ checks: { db: { timeoutMs: 300 } } }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(opens).toHaveBeenCalledTimes(1);
    release();
    await eventually(() => config.configuration().checks.db.timeoutMs.value === 300, POLL);
    expect(mostAtOnce).toBe(1);
  });

  it('warns naming the path when the file goes missing, and applies it when it is back', async () => {
    writeFileSync(file, JSON.stringify({ checks: { db: { timeoutMs: 700 } } }));
    const config = await boot();
    rmSync(file);
    await eventually(() => config.failures === 1, POLL);
    expect(warnings[0]).toMatch(
      /not applied, keeping version \d+: ENOENT: no such file or directory, stat '.*health\.json'$/,
    );
    expect(config.configuration().checks.db.timeoutMs.value).toBe(700);
    writeFileSync(file, JSON.stringify({ checks: { db: { timeoutMs: 800 } } }));
    await eventually(() => config.configuration().checks.db.timeoutMs.value === 800, POLL);
  });

  it('applies nothing read after the module is closed', async () => {
    writeFileSync(file, JSON.stringify({ checks: { db: { timeoutMs: 100 } } }));
    const config = await boot();
    const open = fsPromises.open.bind(fsPromises);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const opens = jest.spyOn(fsPromises, 'open').mockImplementation(async (...args) => {
      await held;
      return open(...args);
    });
    writeFileSync(file, JSON.stringify({ checks: { db: { timeoutMs: 200 } } }));
    await eventually(() => opens.mock.calls.length === 1, POLL);
    await app!.close();
    app = undefined;
    release();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(config.configuration().checks.db.timeoutMs.value).toBe(100);
  });
});
