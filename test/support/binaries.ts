import { execFile } from 'node:child_process';
import { accessSync, constants, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** A program the tests run, and the Debian/Ubuntu package that provides it. */
export interface RequiredBinary {
  name: string;
  aptPackage: string;
}

/** What the whole suite runs besides Node: checked once, before any test starts. */
export const REQUIRED_BINARIES: readonly RequiredBinary[] = [
  { name: 'redis-server', aptPackage: 'redis-server' },
  { name: 'openssl', aptPackage: 'openssl' },
  // The status page's browser test (through playwright-core).
  { name: 'chromium', aptPackage: 'chromium' },
  // The dashboard's queries and the alert rules, against a real Prometheus.
  { name: 'prometheus', aptPackage: 'prometheus' },
  { name: 'promtool', aptPackage: 'prometheus' },
  // The NATS and MQTT indicators' fault tests kill and pause brokers of their own.
  { name: 'nats-server', aptPackage: 'nats-server' },
  { name: 'mosquitto', aptPackage: 'mosquitto' },
];

/**
 * What the global setup needs to start a MariaDB or a RabbitMQ of the run's own, asked for only
 * when neither `TEST_*_URL` nor the machine's server gives one (test/support/global-setup.ts).
 */
export const PRIVATE_SERVER_BINARIES = {
  mysql: [
    { name: 'mariadbd', aptPackage: 'mariadb-server' },
    { name: 'mariadb-install-db', aptPackage: 'mariadb-server' },
  ],
  amqp: [{ name: 'rabbitmq-server', aptPackage: 'rabbitmq-server' }],
} as const satisfies Record<string, readonly RequiredBinary[]>;

/**
 * The full path of an executable `name` on `PATH`, or in the sbin folders where Debian puts
 * servers (`mariadbd`, `rabbitmq-server`) that a user's `PATH` may leave out; else undefined.
 */
export function findOnPath(
  name: string,
  path = [process.env.PATH ?? '', '/usr/local/sbin', '/usr/sbin', '/sbin'].join(delimiter),
): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * An error whose whole printed form is one line (Jest prints a global setup's error by its
 * stack): what is missing and how to get it, with no stack trace and no assertion diffs.
 */
export function oneLineError(message: string): Error {
  const error = new Error(message);
  error.stack = message;
  return error;
}

/** The line naming the missing binaries and how to install them. */
export function missingBinariesMessage(missing: readonly RequiredBinary[]): string {
  const names = missing.map(({ name }) => `\`${name}\``).join(', ');
  const packages = [...new Set(missing.map(({ aptPackage }) => aptPackage))].join(' ');
  const which = missing.length === 1 ? 'which is' : 'which are';
  return (
    `The tests need ${names}, ${which} not on PATH: install ` +
    `${missing.length === 1 ? 'it' : 'them'} (Debian/Ubuntu: \`sudo apt-get install -y ${packages}\`)`
  );
}

/** What deciding about the missing programs needs to know of the machine. */
export interface Machine {
  /** Whether a program is on PATH (asked again after an install). */
  has(name: string): boolean;
  /** Running as root, so apt-get may install. */
  root: boolean;
  /** apt has package lists; without them `apt-get update` comes first. */
  aptLists: boolean;
}

/** Runs `apt-get` with these arguments; rejects with apt's last error line. */
export type AptGet = (args: readonly string[]) => Promise<void>;

/** What to do about the programs the tests need. */
export type BinariesPlan =
  | { kind: 'ready' }
  | { kind: 'missing'; missing: RequiredBinary[] }
  | { kind: 'install'; missing: RequiredBinary[]; packages: string[]; update: boolean };

/** Nothing missing: ready; as root with apt-get: install them; else: missing (one line). */
export function planBinaries(binaries: readonly RequiredBinary[], machine: Machine): BinariesPlan {
  const missing = binaries.filter(({ name }) => !machine.has(name));
  if (missing.length === 0) return { kind: 'ready' };
  if (!machine.root || !machine.has('apt-get')) return { kind: 'missing', missing };
  const packages = [...new Set(missing.map(({ aptPackage }) => aptPackage))];
  return { kind: 'install', missing, packages, update: !machine.aptLists };
}

/** The one line announcing the install. */
export function installMessage(plan: Extract<BinariesPlan, { kind: 'install' }>): string {
  const names = plan.missing.map(({ name }) => `\`${name}\``).join(', ');
  const update = plan.update ? 'apt-get update && ' : '';
  return (
    `The tests need ${names}, not on PATH: installing (running as root): ` +
    `${update}apt-get install -y ${plan.packages.join(' ')}`
  );
}

/**
 * Makes sure the programs the tests run are there. Missing ones are installed with one
 * `apt-get install -y` (announced on one line, after `apt-get update` when apt has no package
 * lists, or when the install fails on stale ones) where that can work: as root, with apt-get.
 * Elsewhere, or when the install fails, it throws one line naming them and how to install them.
 */
export async function provideBinaries(
  binaries: readonly RequiredBinary[] = REQUIRED_BINARIES,
  machine: Machine = thisMachine(),
  aptGet: AptGet = runAptGet,
  announce: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<void> {
  const plan = planBinaries(binaries, machine);
  if (plan.kind === 'ready') return;
  if (plan.kind === 'missing') throw oneLineError(missingBinariesMessage(plan.missing));
  announce(installMessage(plan));
  const install = `\`apt-get install -y ${plan.packages.join(' ')}\``;
  try {
    await aptInstall(plan, aptGet);
  } catch (error) {
    const why = (error as Error).message;
    throw oneLineError(`${missingBinariesMessage(plan.missing)}; ${install} failed: ${why}`);
  }
  const still = binaries.filter(({ name }) => !machine.has(name));
  if (still.length > 0) {
    throw oneLineError(`${missingBinariesMessage(still)}; ${install} did not provide them`);
  }
}

async function aptInstall(
  plan: Extract<BinariesPlan, { kind: 'install' }>,
  aptGet: AptGet,
): Promise<void> {
  const install = ['install', '-y', ...plan.packages];
  if (plan.update) await aptGet(['update']);
  try {
    await aptGet(install);
  } catch (error) {
    if (plan.update) throw error;
    await aptGet(['update']); // the lists may be stale: the packages they name are gone
    await aptGet(install);
  }
}

/** This process's machine: PATH, uid 0, /var/lib/apt/lists. */
export function thisMachine(): Machine {
  return {
    has: (name) => findOnPath(name) !== undefined,
    root: process.getuid?.() === 0,
    aptLists: hasAptLists(),
  };
}

/** Whether apt's list folder holds a package list. */
export function hasAptLists(dir = '/var/lib/apt/lists'): boolean {
  try {
    return readdirSync(dir).some((name) => name.includes('_Packages'));
  } catch {
    return false;
  }
}

/** apt-get, quiet and non-interactive; its output is kept, only its last error line is told. */
export function runAptGet(args: readonly string[]): Promise<void> {
  return runQuietly('apt-get', ['-qq', ...args], { DEBIAN_FRONTEND: 'noninteractive' });
}

/** Runs a program; rejects with the last line it wrote to stderr (or its exit code). */
export function runQuietly(
  command: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    const options = { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 };
    execFile(command, args, options, (error, _stdout, stderr) => {
      if (!error) return resolve();
      const last = String(stderr).trim().split('\n').at(-1)?.trim();
      reject(new Error(last || `${command} ${args.join(' ')} exited with ${error.code}`));
    });
  });
}
