/**
 * Harness of the consumer-app test: builds and packs `@nest-health/core`, writes throwaway apps
 * into a temp folder, installs the tarball there with npm (from its cache), compiles them with
 * the repository's tsc and runs them with plain `node`. Every child process it starts is tracked
 * so that `killAll()` can end them whatever happened.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '../support/eventually';

export const REPO_ROOT = join(__dirname, '..', '..');
export const LIB_DIST = join(REPO_ROOT, 'dist', 'libs', 'health');
const TSC = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
export const TYPE_ROOTS = join(REPO_ROOT, 'node_modules', '@types');

const children = new Set<ChildProcess>();

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly result: RunResult,
  ) {
    const output = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-60).join('\n');
    super(
      `\`${command}\` exited with ${result.signal ?? `code ${result.code}`} after ${result.ms} ms:\n${output}`,
    );
    this.name = 'CommandError';
  }
}

/**
 * An environment for child processes: the caller's PATH and HOME (npm's cache and config), but
 * none of the `npm_*` variables `npm test` sets (prefix, package, lifecycle: they describe the
 * repository, not the app) except the cache, registry and user config, so never `--force` or
 * `--legacy-peer-deps` either.
 */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) && !/^npm_config_(cache|registry|userconfig)$/i.test(key)) continue;
    if (/^(NODE_OPTIONS|NODE_ENV|JEST_WORKER_ID|TS_NODE_\w+)$/.test(key)) continue;
    env[key] = value;
  }
  return { ...env, NO_COLOR: '1', FORCE_COLOR: '0', ...extra };
}

/** Runs a command to completion (never through a shell); resolves whatever its exit code. */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? childEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group: killAll() ends npm's children too
    });
    children.add(child);
    groupLeaders.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = options.timeoutMs
      ? setTimeout(() => killGroup(child, 'SIGKILL'), options.timeoutMs)
      : undefined;
    child.on('error', (error) => {
      clearTimeout(timer);
      children.delete(child);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** Like `run`, but rejects with the command's output unless it exits with 0. */
export async function runOk(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<RunResult> {
  const result = await run(command, args, options);
  if (result.code !== 0) throw new CommandError(`${command} ${args.join(' ')}`, result);
  return result;
}

/** Children spawned `detached`: leaders of their own process group. */
const groupLeaders = new WeakSet<ChildProcess>();

/** Signals the child, and its whole process group when it leads one. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    if (groupLeaders.has(child)) process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

/** Ends every child process still running: SIGTERM, then SIGKILL after `graceMs`. */
export async function killAll(graceMs = 5000): Promise<void> {
  const running = [...children];
  await Promise.all(running.map((child) => stopChild(child, graceMs)));
}

function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    children.delete(child);
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      children.delete(child);
      resolve();
    });
    killGroup(child, 'SIGTERM');
  });
}

export function createWorkspace(): string {
  return mkdtempSync(join(tmpdir(), 'nest-health-consumers-'));
}

export function removeWorkspace(dir: string | undefined): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

/**
 * Makes sure `dist/libs/health` holds a built package (Jest's globalSetup normally built it);
 * builds it with `scripts/build.mjs --lib` otherwise.
 */
export async function ensureLibraryBuilt(): Promise<void> {
  if (existsSync(join(LIB_DIST, 'package.json')) && existsSync(join(LIB_DIST, 'index.js'))) return;
  await runOk(process.execPath, [join(REPO_ROOT, 'scripts', 'build.mjs'), '--lib'], {
    cwd: REPO_ROOT,
    timeoutMs: 180_000,
  });
}

/**
 * What is missing from a built package in `dir`: package.json, a file its `exports` name, or the
 * target of a relative `require` in one of its .js files. Nothing: the build is complete.
 */
export function incompleteBuild(dir: string): string[] {
  const problems: string[] = [];
  let pkg: { main?: string; exports?: unknown };
  try {
    pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as typeof pkg;
  } catch (error) {
    return [`package.json: ${error instanceof Error ? error.message : String(error)}`];
  }
  const targets = JSON.stringify(pkg.exports ?? {}).match(/"\.\/[^"*]+\.js"/g) ?? [];
  for (const target of [`"${pkg.main ?? './index.js'}"`, ...targets]) {
    const file = target.slice(1, -1);
    if (!existsSync(join(dir, file))) problems.push(`package.json names ${file}: missing`);
  }
  for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.js') || file.includes('node_modules')) continue;
    const text = readFileSync(join(dir, file), 'utf8');
    for (const [, specifier] of text.matchAll(/require\("(\.{1,2}\/[^"]*)"\)/g)) {
      const target = join(dir, file, '..', specifier);
      if (![`${target}.js`, join(target, 'index.js'), target].some((path) => existsSync(path))) {
        problems.push(`${file}: require("${specifier}") finds nothing`);
      }
    }
  }
  return problems;
}

/**
 * Copies `dist/libs/health` to `dest` once the copy is a complete build. Another Jest run's
 * globalSetup may be rebuilding dist/libs/health right now (the build empties it first), so an
 * incomplete copy is taken again every 2 s, up to `timeoutMs`.
 */
export async function snapshotLibrary(dest: string, timeoutMs = 60_000): Promise<string> {
  await eventually(() => copyOfLibrary(dest), {
    until: (problems) => problems.length === 0,
    timeoutMs,
    intervalMs: 2000,
    message: `${LIB_DIST} to be a complete build`,
  });
  return dest;
}

/** Copies `dist/libs/health` to `dest`; returns what is missing from the copy. */
function copyOfLibrary(dest: string): string[] {
  rmSync(dest, { recursive: true, force: true });
  try {
    cpSync(LIB_DIST, dest, { recursive: true, dereference: true });
    return incompleteBuild(dest).slice(0, 20);
  } catch (error) {
    return [`copy of ${LIB_DIST} failed: ${error instanceof Error ? error.message : error}`];
  }
}

/** `npm pack <built package folder>` into `dir`; returns the tarball's absolute path. */
export async function packLibrary(packageDir: string, dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const result = await runOk('npm', ['pack', packageDir, '--pack-destination', dir, '--json'], {
    cwd: REPO_ROOT,
    timeoutMs: 120_000,
  });
  const [packed] = JSON.parse(result.stdout.slice(result.stdout.indexOf('['))) as {
    filename: string;
  }[];
  const tarball = join(dir, packed.filename.replace(/^@/, '').replace('/', '-'));
  if (existsSync(tarball)) return tarball;
  const found = readdirSync(dir).find((file) => file.endsWith('.tgz'));
  if (!found) throw new Error(`npm pack wrote no tarball into ${dir}:\n${result.stdout}`);
  return join(dir, found);
}

/** Writes files (paths relative to `dir`), creating folders as needed. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    const file = join(dir, path);
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, content);
  }
}

/** Peer-dependency trouble npm reported (it still exits 0 for some of it). */
export function peerWarnings(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => /ERESOLVE|overriding peer|peer dep|Could not resolve dependency/i.test(line));
}

/** `npm install` of the app's package.json: cache first, no audit, no funding notice. */
export async function npmInstall(dir: string): Promise<RunResult> {
  return runOk('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], {
    cwd: dir,
    timeoutMs: 300_000,
  });
}

/** Compiles `dir/tsconfig.json` (or another project file there) with the repository's own TypeScript. */
export async function compile(dir: string, project = 'tsconfig.json'): Promise<RunResult> {
  return runOk(process.execPath, [TSC, '-p', join(dir, project)], { cwd: dir, timeoutMs: 180_000 });
}

export interface RunningApp {
  url: string;
  child: ChildProcess;
  /** stdout and stderr so far, interleaved as received. */
  output(): string;
  stderr(): string;
  exited(): { code: number | null; signal: NodeJS.Signals | null } | undefined;
}

/**
 * Preloaded into each app (harness only, not the app's code): when the test process goes away
 * without stopping it (killed, crashed), the app's stdin pipe closes and the app is sent SIGTERM,
 * then exits for good 5 s later, so no server outlives the test run.
 */
const WATCHDOG = `'use strict';
process.stdin.on('error', () => {});
process.stdin.on('end', () => {
  setTimeout(() => process.exit(1), 5000).unref();
  process.kill(process.pid, 'SIGTERM');
});
process.stdin.resume();
process.stdin.unref();
`;

/**
 * Starts `node dist/main.js` in `dir` on a free port and resolves once it printed
 * `listening on http://...`; rejects with its output if it exits or takes longer than `timeoutMs`.
 */
export function startApp(dir: string, timeoutMs = 60_000): Promise<RunningApp> {
  const watchdog = join(dir, '..', 'parent-watchdog.cjs');
  writeFileSync(watchdog, WATCHDOG);
  const child = spawn(process.execPath, ['--require', watchdog, join('dist', 'main.js')], {
    cwd: dir,
    env: childEnv({ PORT: '0', TZ: 'UTC' }),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  let stderr = '';
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const app = (url: string): RunningApp => ({
    url,
    child,
    output: () => output,
    stderr: () => stderr,
    exited: () => exit,
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(
        new Error(`${dir}: no "listening on" line within ${timeoutMs} ms. Output:\n${output}`),
      );
    }, timeoutMs);
    const onData = (chunk: string) => {
      output += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(app(match[1].replace(/\/$/, '')));
      }
    };
    child.stdout?.setEncoding('utf8').on('data', onData);
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      onData(chunk);
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      children.delete(child);
      clearTimeout(timer);
      reject(
        new Error(
          `${dir}: node dist/main.js exited (${signal ?? code}) before listening:\n${output}`,
        ),
      );
    });
  });
}

export interface StopResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  ms: number;
  /** Whether it had to be SIGKILLed after `graceMs`. */
  killed: boolean;
}

/** Sends SIGTERM and waits for the exit; SIGKILL after `graceMs`. */
export async function stopApp(app: RunningApp, graceMs = 5000): Promise<StopResult> {
  const started = Date.now();
  let killed = false;
  const exited = app.exited();
  if (exited) return { ...exited, ms: 0, killed };
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      killed = true;
      killGroup(app.child, 'SIGKILL');
    }, graceMs);
    app.child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    killGroup(app.child, 'SIGTERM');
  });
  const exit = app.exited() ?? { code: app.child.exitCode, signal: app.child.signalCode };
  return { ...exit, ms: Date.now() - started, killed };
}

/** Lines of an app's output that look like an error or a stack trace. */
export function errorLines(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => /\bError\b|\bERROR\b|^\s+at \S+.*:\d+:\d+\)?$|UnhandledPromise/.test(line));
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
}

export async function get(url: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  const response = await fetch(url, {
    headers,
    redirect: 'manual',
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** Asks `url` until `accept(answer)` holds, and returns that answer; fails after `timeoutMs`. */
export function poll(
  url: string,
  accept: (answer: HttpAnswer) => boolean,
  timeoutMs = 10_000,
): Promise<HttpAnswer> {
  return eventually(() => get(url), {
    until: accept,
    timeoutMs,
    intervalMs: 200,
    message: `${url} to answer as expected`,
  });
}

export function json<T = unknown>(answer: HttpAnswer): T {
  try {
    return JSON.parse(answer.text) as T;
  } catch {
    throw new Error(`not JSON (HTTP ${answer.status}): ${answer.text.slice(0, 500)}`);
  }
}
