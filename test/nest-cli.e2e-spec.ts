import type { ChildProcess } from 'node:child_process';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { eventually } from './support/eventually';
import { ServiceProcess } from './support/service-process';

/**
 * The commands a Nest developer types, in a fresh clone of this repository's committed files
 * (no dist/, no node_modules/@nest-health/core link): `npx nest build`, `npx nest build health`,
 * `npm run start:dev` with a change in libs/health/src served without a restart by hand.
 * node_modules is this repository's, entry by entry, without the link `npm run build` makes.
 */
const ROOT = join(__dirname, '..');
const run = promisify(execFile);
const LISTENING = /api listening on (http:\/\/\S+) /g;
/** The file the edit goes to: it serves the liveness probe. */
const PROBES = 'libs/health/src/http/probes.controller.ts';

describe('the Nest CLI in a fresh clone', () => {
  let clone: string;
  let watch: ChildProcess | undefined;
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? tmpdir(),
    TZ: 'UTC',
    NODE_ENV: 'test',
    PORT: '0',
    HEALTH_SHUTDOWN_DELAY_MS: '0',
    NO_COLOR: '1',
  };
  const inClone = (command: string, ...args: string[]) =>
    run(command, args, { cwd: clone, env, maxBuffer: 16 * 1024 * 1024 });

  beforeAll(async () => {
    clone = mkdtempSync(join(tmpdir(), 'nest-health-clone-'));
    const { stdout: head } = await run('git', ['-C', ROOT, 'rev-parse', 'HEAD']);
    await run('git', ['clone', '--quiet', '--no-checkout', ROOT, clone]);
    await run('git', ['-C', clone, 'checkout', '--quiet', '--detach', head.trim()]);
    linkDependencies(join(ROOT, 'node_modules'), join(clone, 'node_modules'));
  }, 60_000);

  afterAll(async () => {
    await stop(watch);
    rmSync(clone, { recursive: true, force: true });
  });

  it('starts from no build and no link to the package', () => {
    expect(existsSync(join(clone, 'dist'))).toBe(false);
    expect(existsSync(join(clone, 'node_modules/@nest-health/core'))).toBe(false);
  });

  it('npx nest build: the service, with the library from source, runs', async () => {
    await inClone('npx', 'nest', 'build');
    const main = join(clone, 'dist/nest/api/apps/api/src/main.js');
    const service = await ServiceProcess.start(
      { HEALTH_SHUTDOWN_DELAY_MS: '0' },
      { main, cwd: clone },
    );
    const res = await fetch(`${service.url}/v1/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'degraded', cache_healthy: true });
    expect((await service.stop()).code).toBe(0);
  }, 120_000);

  it('npx nest build health: the whole package, as npm run build:lib makes it', async () => {
    await inClone('npx', 'nest', 'build', 'health');
    const built = join(clone, 'dist/libs/health');
    const pkg = JSON.parse(readFileSync(join(built, 'package.json'), 'utf8')) as {
      exports: Record<string, unknown>;
      bin: Record<string, string>;
    };
    const source = JSON.parse(readFileSync(join(clone, 'libs/health/package.json'), 'utf8'));
    expect(pkg).toEqual(source);
    expect(Object.keys(pkg.exports)).toEqual(expect.arrayContaining(['.', './metrics']));
    for (const bin of Object.values(pkg.bin))
      expect(statSync(join(built, bin)).isFile()).toBe(true);

    const fromNest = join(clone, 'nest-build-health');
    cpSync(built, fromNest, { recursive: true });
    await inClone('npm', 'run', 'build:lib');
    expect(filesOf(fromNest)).toEqual(filesOf(built));
  }, 120_000);

  it('npm run start:dev serves a change in libs/health/src, with the package linked', async () => {
    // build:lib (the test above) linked node_modules/@nest-health/core to the built package:
    // what the service runs must still be the source.
    expect(existsSync(join(clone, 'node_modules/@nest-health/core/package.json'))).toBe(true);
    let output = '';
    watch = spawn('npm', ['run', 'start:dev'], { cwd: clone, env, detached: true });
    watch.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    watch.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const listening = (from: number) =>
      eventually(() => [...output.slice(from).matchAll(LISTENING)].at(-1)?.[1], {
        timeoutMs: 90_000,
        intervalMs: 200,
        message: () => `the service to listen; output:\n${output.slice(-3000)}`,
      });

    const first = await listening(0);
    const live = await fetch(`${first}/v1/health/live`);
    expect(live.status).toBe(200);
    const body = await live.text();
    const literal = `'${JSON.stringify(body).slice(1, -1)}'`;
    const file = join(clone, PROBES);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain(literal);

    const edited = 'edited in libs/health/src\n';
    const offset = output.length;
    writeFileSync(file, text.replaceAll(literal, `'${JSON.stringify(edited).slice(1, -1)}'`));
    const second = await listening(offset);
    const after = await fetch(`${second}/v1/health/live`);
    expect({ status: after.status, text: await after.text() }).toEqual({
      status: 200,
      text: edited,
    });
  }, 240_000);
});

/** node_modules made of links to every entry of `from`, except the package's own link. */
function linkDependencies(from: string, to: string): void {
  mkdirSync(to);
  for (const name of readdirSync(from)) {
    if (name === '@nest-health' || (name.startsWith('.') && name !== '.bin')) continue;
    symlinkSync(join(from, name), join(to, name));
  }
}

/** Every file under `dir`, by relative path, with its content. */
function filesOf(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isFile()) files.set(relative(dir, path), readFileSync(path, 'utf8'));
  }
  return files;
}

/** Ends the watch process and everything it started (its own process group). */
async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  const closed = once(child, 'close');
  process.kill(-child.pid, 'SIGKILL');
  await closed;
}
