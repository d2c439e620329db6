// Builds the library package (dist/libs/health) and, unless --lib, the host app (dist/apps/api).
// The app is compiled against the built package, resolved as node_modules/@nest-health/core
// (a link to dist/libs/health), exactly as an outside app resolves the installed package.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, symlinkSync, lstatSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lib = join(root, 'dist/libs/health');
const app = join(root, 'dist/apps/api');
const tsc = join(root, 'node_modules/typescript/bin/tsc');
const pkg = JSON.parse(readFileSync(join(root, 'libs/health/package.json'), 'utf8'));

function compile(project) {
  execFileSync(process.execPath, [tsc, '-p', join(root, project)], { stdio: 'inherit' });
}

function link(name, target) {
  const path = join(root, 'node_modules', name);
  mkdirSync(dirname(path), { recursive: true });
  try {
    lstatSync(path);
    rmSync(path, { recursive: true, force: true });
  } catch {
    // nothing there yet
  }
  symlinkSync(relative(dirname(path), target), path, 'dir');
}

rmSync(lib, { recursive: true, force: true });
compile('libs/health/tsconfig.lib.json');
for (const file of ['package.json', 'README.md', 'LICENSE']) {
  copyFileSync(join(root, 'libs/health', file), join(lib, file));
}
link(pkg.name, lib);
console.log(`built ${pkg.name}@${pkg.version} in ${relative(root, lib)}`);

if (!process.argv.includes('--lib')) {
  rmSync(app, { recursive: true, force: true });
  compile('apps/api/tsconfig.app.json');
  console.log(
    `built the api service in ${relative(root, app)} (node ${relative(root, app)}/main.js)`,
  );
}
