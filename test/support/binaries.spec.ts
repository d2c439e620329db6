import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AptGet, Machine, RequiredBinary } from './binaries';
import {
  findOnPath,
  hasAptLists,
  missingBinariesMessage,
  planBinaries,
  provideBinaries,
  REQUIRED_BINARIES,
  runQuietly,
  thisMachine,
} from './binaries';

/** The suite's own list, shaped alike: two programs from one package. */
const PROGRAMS: readonly RequiredBinary[] = [
  { name: 'redis-server', aptPackage: 'redis-server' },
  { name: 'chromium', aptPackage: 'chromium' },
  { name: 'prometheus', aptPackage: 'prometheus' },
  { name: 'promtool', aptPackage: 'prometheus' },
];
/** What each package puts on PATH. */
const PROVIDES: Readonly<Record<string, readonly string[]>> = {
  'redis-server': ['redis-server'],
  chromium: ['chromium'],
  prometheus: ['prometheus', 'promtool'],
};

type FakeMachine = Machine & { path: Set<string> };

function machine({
  on = ['apt-get', 'redis-server'],
  root = true,
  aptLists = true,
}: { on?: string[]; root?: boolean; aptLists?: boolean } = {}): FakeMachine {
  const path = new Set(on);
  return { has: (name) => path.has(name), root, aptLists, path };
}

/** apt-get as a recording: `install` puts the packages' programs on PATH unless `fails` says why. */
function apt(
  on: FakeMachine,
  {
    fails,
    provides = PROVIDES,
  }: {
    fails?: (args: string[], call: number) => string | undefined;
    provides?: Record<string, readonly string[]>;
  } = {},
): { aptGet: AptGet; calls: string[][] } {
  const calls: string[][] = [];
  const aptGet: AptGet = async (args) => {
    calls.push([...args]);
    const why = fails?.([...args], calls.length);
    if (why) throw new Error(why);
    if (args[0] !== 'install') return;
    for (const pkg of args.slice(2)) for (const name of provides[pkg] ?? []) on.path.add(name);
  };
  return { aptGet, calls };
}

/** What provideBinaries did: the lines it announced, and its error's message and stack if any. */
async function provide(on: FakeMachine, aptGet: AptGet) {
  const lines: string[] = [];
  try {
    await provideBinaries(PROGRAMS, on, aptGet, (line) => lines.push(line));
    return { lines, error: undefined };
  } catch (error) {
    return { lines, error: { message: (error as Error).message, stack: (error as Error).stack } };
  }
}

const NOT_ON_PATH =
  'The tests need `chromium`, `prometheus`, `promtool`, which are not on PATH: install them ' +
  '(Debian/Ubuntu: `sudo apt-get install -y chromium prometheus`)';

describe('the programs the tests run', () => {
  it('finds executables on PATH', () => {
    expect(findOnPath('redis-server')).toMatch(/\/redis-server$/);
    expect(findOnPath('sh', `:/nonexistent:/bin`)).toBe('/bin/sh');
    expect(findOnPath('no-such-program-here')).toBeUndefined();
  });

  it('are all on this machine: nothing to do', async () => {
    expect(planBinaries(REQUIRED_BINARIES, thisMachine())).toEqual({ kind: 'ready' });
    const refuse: AptGet = () => Promise.reject(new Error('no apt-get in a test'));
    await expect(
      provideBinaries(REQUIRED_BINARIES, thisMachine(), refuse, () => undefined),
    ).resolves.toBeUndefined();
  });

  it('names one missing program in the singular', () => {
    expect(missingBinariesMessage([{ name: 'redis-server', aptPackage: 'redis-server' }])).toBe(
      'The tests need `redis-server`, which is not on PATH: install it ' +
        '(Debian/Ubuntu: `sudo apt-get install -y redis-server`)',
    );
  });

  describe('deciding', () => {
    it('is ready when none is missing, whoever runs it', () => {
      const all = ['redis-server', 'chromium', 'prometheus', 'promtool'];
      expect(planBinaries(PROGRAMS, machine({ on: all, root: false }))).toEqual({ kind: 'ready' });
      expect(planBinaries(PROGRAMS, machine({ on: all }))).toEqual({ kind: 'ready' });
    });

    it('installs as root with apt-get: each package once, update only without package lists', () => {
      const missing = PROGRAMS.slice(1);
      expect(planBinaries(PROGRAMS, machine())).toEqual({
        kind: 'install',
        missing,
        packages: ['chromium', 'prometheus'],
        update: false,
      });
      expect(planBinaries(PROGRAMS, machine({ aptLists: false }))).toMatchObject({
        kind: 'install',
        update: true,
      });
    });

    it('only names them when not root, or without apt-get', () => {
      const missing = PROGRAMS.slice(1);
      expect(planBinaries(PROGRAMS, machine({ root: false }))).toEqual({
        kind: 'missing',
        missing,
      });
      expect(planBinaries(PROGRAMS, machine({ on: ['redis-server'] }))).toEqual({
        kind: 'missing',
        missing,
      });
    });
  });

  describe('providing', () => {
    it('does nothing when none is missing', async () => {
      const on = machine({ on: ['apt-get', 'redis-server', 'chromium', 'prometheus', 'promtool'] });
      const { aptGet, calls } = apt(on);
      expect(await provide(on, aptGet)).toEqual({ lines: [], error: undefined });
      expect(calls).toEqual([]);
    });

    it('stops with the one line as before when not root, and runs no apt-get', async () => {
      const on = machine({ root: false });
      const { aptGet, calls } = apt(on);
      expect(await provide(on, aptGet)).toEqual({
        lines: [],
        error: { message: NOT_ON_PATH, stack: NOT_ON_PATH },
      });
      expect(calls).toEqual([]);
    });

    it('stops with the one line as before without apt-get, even as root', async () => {
      const on = machine({ on: ['redis-server'] });
      const { aptGet, calls } = apt(on);
      expect((await provide(on, aptGet)).error?.message).toBe(NOT_ON_PATH);
      expect(calls).toEqual([]);
    });

    it('as root: one apt-get install, announced on one line, then goes on', async () => {
      const on = machine();
      const { aptGet, calls } = apt(on);
      expect(await provide(on, aptGet)).toEqual({
        lines: [
          'The tests need `chromium`, `prometheus`, `promtool`, not on PATH: installing ' +
            '(running as root): apt-get install -y chromium prometheus',
        ],
        error: undefined,
      });
      expect(calls).toEqual([['install', '-y', 'chromium', 'prometheus']]);
    });

    it('runs apt-get update first when apt has no package lists', async () => {
      const on = machine({ aptLists: false });
      const { aptGet, calls } = apt(on);
      const { lines, error } = await provide(on, aptGet);
      expect(error).toBeUndefined();
      expect(lines).toEqual([
        expect.stringMatching(/: apt-get update && apt-get install -y chromium prometheus$/),
      ]);
      expect(calls).toEqual([['update'], ['install', '-y', 'chromium', 'prometheus']]);
    });

    it('updates stale package lists and tries once more when the install fails', async () => {
      const on = machine();
      const { aptGet, calls } = apt(on, {
        fails: (_args, call) => (call === 1 ? 'E: Unable to fetch some archives' : undefined),
      });
      expect((await provide(on, aptGet)).error).toBeUndefined();
      expect(calls).toEqual([
        ['install', '-y', 'chromium', 'prometheus'],
        ['update'],
        ['install', '-y', 'chromium', 'prometheus'],
      ]);
    });

    it("stops in one line naming apt-get's error when the install fails", async () => {
      const on = machine({ aptLists: false });
      const { aptGet, calls } = apt(on, {
        fails: ([command]) =>
          command === 'install' ? 'E: Unable to locate package chromium' : undefined,
      });
      const message =
        `${NOT_ON_PATH}; \`apt-get install -y chromium prometheus\` failed: ` +
        'E: Unable to locate package chromium';
      const { lines, error } = await provide(on, aptGet);
      expect(lines).toHaveLength(1);
      expect(error).toEqual({ message, stack: message });
      expect(calls).toEqual([['update'], ['install', '-y', 'chromium', 'prometheus']]);
    });

    it('stops in one line when the install leaves a program missing', async () => {
      const on = machine();
      const { aptGet } = apt(on, { provides: { ...PROVIDES, prometheus: ['prometheus'] } });
      expect((await provide(on, aptGet)).error?.message).toBe(
        'The tests need `promtool`, which is not on PATH: install it (Debian/Ubuntu: ' +
          '`sudo apt-get install -y prometheus`); `apt-get install -y chromium prometheus` ' +
          'did not provide them',
      );
    });
  });

  describe('the machine', () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'apt-lists-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it("has package lists when apt's folder holds one", () => {
      expect(hasAptLists(join(dir, 'absent'))).toBe(false);
      mkdirSync(join(dir, 'partial'));
      writeFileSync(join(dir, 'lock'), '');
      expect(hasAptLists(dir)).toBe(false);
      writeFileSync(
        join(dir, 'deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4'),
        '',
      );
      expect(hasAptLists(dir)).toBe(true);
    });

    it('is root by uid 0', () => {
      expect(thisMachine().root).toBe(process.getuid?.() === 0);
    });

    it('runs a program quietly; its failure is its last error line, or its exit code', async () => {
      const script = join(dir, 'fake-apt');
      writeFileSync(
        script,
        '#!/bin/sh\necho "Reading package lists..."\n' +
          'if [ "$1" = fail ]; then echo "W: first" >&2; echo "E: last one" >&2; exit 100; fi\n' +
          'if [ "$1" = mute ]; then exit 3; fi\n' +
          'if [ "$1" = env ] && [ "$FRONTEND" != quiet ]; then exit 4; fi\n',
      );
      chmodSync(script, 0o755);
      await expect(runQuietly(script, ['ok'])).resolves.toBeUndefined();
      await expect(runQuietly(script, ['fail'])).rejects.toThrow(/^E: last one$/);
      await expect(runQuietly(script, ['mute'])).rejects.toThrow(`${script} mute exited with 3`);
      await expect(runQuietly(script, ['env'], { FRONTEND: 'quiet' })).resolves.toBeUndefined();
      await expect(runQuietly(script, ['env'])).rejects.toThrow('exited with 4');
    });
  });
});
