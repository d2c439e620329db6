// Builds the library package (dist/libs/health) and, unless --lib, the host app (dist/apps/api).
// The app is compiled against the built package, resolved as node_modules/@nest-health/core
// (a link to dist/libs/health), exactly as an outside app resolves the installed package.
// --if-stale: skip when nothing under the sources changed since the last build.
// Each output appears at once (built aside, then renamed into place), so processes running
// from dist never see a half-built folder.
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lib = join(root, 'dist/libs/health');
const app = join(root, 'dist/apps/api');
const stamp = join(root, 'dist/.build-stamp');
const tsc = join(root, 'node_modules/typescript/bin/tsc');
const pkg = JSON.parse(readFileSync(join(root, 'libs/health/package.json'), 'utf8'));
const libOnly = process.argv.includes('--lib');
const sources = ['libs/health', 'apps/api', 'tsconfig.json', 'tsconfig.build.json'];

function newest(path) {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newest(join(path, name))), 0);
}

function compile(project, outDir) {
  execFileSync(process.execPath, [tsc, '-p', join(root, project), '--outDir', outDir], {
    stdio: 'inherit',
  });
}

/** Builds into a fresh folder beside `target`, then swaps it in. */
function buildInto(target, build) {
  const fresh = `${target}.${process.pid}.new`;
  const old = `${target}.${process.pid}.old`;
  rmSync(fresh, { recursive: true, force: true });
  build(fresh);
  if (existsSync(target)) renameSync(target, old);
  renameSync(fresh, target);
  rmSync(old, { recursive: true, force: true });
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

const linked = existsSync(join(root, 'node_modules', pkg.name, 'package.json'));
if (process.argv.includes('--if-stale') && linked && existsSync(stamp) && existsSync(app)) {
  const changed = Math.max(...sources.map((s) => newest(join(root, s))));
  if (statSync(stamp).mtimeMs >= changed) {
    console.log('build is up to date');
    process.exit(0);
  }
}

mkdirSync(dirname(lib), { recursive: true });
buildInto(lib, (out) => {
  compile('libs/health/tsconfig.lib.json', out);
  for (const file of ['package.json', 'README.md', 'LICENSE']) {
    copyFileSync(join(root, 'libs/health', file), join(out, file));
  }
});
link(pkg.name, lib);
console.log(`built ${pkg.name}@${pkg.version} in ${relative(root, lib)}`);

if (!libOnly) {
  mkdirSync(dirname(app), { recursive: true });
  buildInto(app, (out) => compile('apps/api/tsconfig.app.json', out));
  writeFileSync(stamp, new Date().toISOString());
  console.log(
    `built the api service in ${relative(root, app)} (node ${relative(root, app)}/main.js)`,
  );
}
