/**
 * Each entry's declarations need only that entry's peers: an app compiled with
 * `skipLibCheck: false` that installed what the README says for the entries it imports must
 * type-check. Walks the built `.d.ts` graph of every entry of dist/libs/health (what the package
 * ships) and lists the packages it reaches.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import * as ts from 'typescript';

const ROOT = join(__dirname, '..');
const PKG_DIR = join(ROOT, 'dist/libs/health');

/** Peers every app installs: any entry's types may name them. */
const REQUIRED_PEERS = ['@nestjs/common', '@nestjs/core', 'reflect-metadata', 'rxjs'];

/**
 * The optional peers each entry's types may name: only those its users always install. The
 * config entry's `ioredis` (for a fleet) and `yaml` (for a YAML file) and the webhooks' `ioredis`
 * (for `dedup: 'redis'`) are needed by some of their users only, so their types must not name them.
 */
const ENTRY_PEERS: Record<string, readonly string[]> = {
  '.': [],
  './config': [],
  './gemini': [],
  './metrics': ['prom-client'],
  './webhooks': ['cockatiel'],
  './postgres': ['pg'],
  './resilience': ['cockatiel'],
  './terminus': [],
  './testing': [],
  './openapi': ['@nestjs/swagger'],
  './grpc': ['@grpc/grpc-js'],
  './mysql': ['mysql2'],
  './amqp': ['amqplib'],
  './nats': ['nats'],
  './mqtt': ['mqtt'],
  './mongodb': ['mongodb'],
};

/** The package a bare specifier names: `@scope/name` or `name`, without a deeper path. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The declaration file a relative specifier in `from` names; undefined when there is none. */
function declarationOf(from: string, specifier: string): string | undefined {
  const target = resolve(dirname(from), specifier);
  const bare = target.replace(/\.(c|m)?js$/, '');
  return [`${bare}.d.ts`, join(target, 'index.d.ts'), target].find(
    (file) => file.endsWith('.d.ts') && existsSync(file),
  );
}

/**
 * Every package the declarations reachable from `entry` import, refer to (`/// <reference
 * types>`) or name in `import("...")` types, each with the first file that does; a relative
 * import that finds no file is listed as `<unresolved> path`.
 */
function packagesReached(entry: string): Map<string, string> {
  const reached = new Map<string, string>();
  const seen = new Set<string>();
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const specifiers = [
      ...info.importedFiles.map((ref) => ref.fileName),
      ...info.referencedFiles.map((ref) =>
        ref.fileName.startsWith('.') ? ref.fileName : `./${ref.fileName}`,
      ),
      ...info.typeReferenceDirectives.map((ref) => ref.fileName),
    ];
    for (const specifier of specifiers) {
      const where = relative(PKG_DIR, file);
      if (!specifier.startsWith('.')) {
        const name = packageOf(specifier);
        if (!reached.has(name)) reached.set(name, where);
        continue;
      }
      const target = declarationOf(file, specifier);
      if (target) stack.push(target);
      else reached.set(`<unresolved> ${specifier}`, where);
    }
  }
  return reached;
}

/** What an entry's types reach beyond Node's modules, the required peers and its own peers. */
function leaks(entry: string, typesFile: string): string[] {
  const allowed = new Set([...REQUIRED_PEERS, ...(ENTRY_PEERS[entry] ?? [])]);
  const builtin = (name: string) =>
    name.startsWith('node:') || builtinModules.includes(name) || name === 'node';
  return [...packagesReached(join(PKG_DIR, typesFile))]
    .filter(([name]) => !allowed.has(name) && !builtin(name))
    .map(([name, file]) => `${name} (from ${file})`);
}

interface PackageJson {
  exports: Record<string, string | { types: string; default: string }>;
  peerDependencies: Record<string, string>;
}

const pkg = JSON.parse(readFileSync(join(PKG_DIR, 'package.json'), 'utf8')) as PackageJson;
const ENTRIES = Object.entries(pkg.exports).flatMap(([entry, target]) =>
  typeof target === 'string' ? [] : [[entry, target.types] as const],
);

describe("each entry's declarations need only that entry's peers", () => {
  it('every entry of the exports map has its peers listed here', () => {
    expect(ENTRIES.map(([entry]) => entry).sort()).toEqual(Object.keys(ENTRY_PEERS).sort());
  });

  it.each(ENTRIES)('%s (%s) names no other package', (entry, typesFile) => {
    expect({ entry, leaks: leaks(entry, typesFile) }).toEqual({ entry, leaks: [] });
  });

  it("lists as peers of the package, and in the README's row of the entry, each entry's peers", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const [entry, peers] of Object.entries(ENTRY_PEERS)) {
      const importPath = `@nest-health/core${entry.slice(1)}`;
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${importPath}\` `));
      const install = row?.split('|')[2] ?? '';
      for (const peer of [...REQUIRED_PEERS, ...peers]) {
        expect([peer, pkg.peerDependencies[peer] !== undefined]).toEqual([peer, true]);
      }
      for (const peer of peers)
        expect([entry, install]).toEqual([entry, expect.stringContaining(`\`${peer}\``)]);
    }
  });
});

describe('the walk of declarations (on files of its own)', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'entry-types-'));
    const files: Record<string, string> = {
      'index.d.ts':
        "export * from './a';\nexport type { B } from './b.js';\nexport declare const c: import('./c').C;\n",
      'a.d.ts':
        '/// <reference types="referenced" />\nimport type { X } from \'@scope/first/deep\';\nexport type A = X;\n',
      'b.d.ts': "import './side-effect';\nexport type B = import('second').Y;\n",
      'side-effect.d.ts': 'export {};\n',
      'c/index.d.ts':
        "import { Z } from 'node:events';\nexport type C = Z;\nexport * from '../missing';\n",
    };
    for (const [name, text] of Object.entries(files)) {
      const file = join(dir, name);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
    }
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('follows export *, export from, import(), side-effect imports and folders; lists every package and the missing file', () => {
    const reached = packagesReached(join(dir, 'index.d.ts'));
    expect([...reached.keys()].sort()).toEqual(
      ['<unresolved> ../missing', '@scope/first', 'node:events', 'referenced', 'second'].sort(),
    );
  });
});
