import { accessSync, constants } from 'node:fs';
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
];

/** The full path of an executable `name` on `PATH`, or undefined. */
export function findOnPath(name: string, path = process.env.PATH ?? ''): string | undefined {
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

/** Throws one line naming every missing binary at once. */
export function requireBinaries(binaries: readonly RequiredBinary[] = REQUIRED_BINARIES): void {
  const missing = binaries.filter(({ name }) => !findOnPath(name));
  if (missing.length > 0) throw oneLineError(missingBinariesMessage(missing));
}
