import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawn } from 'node:child_process';
import fs, {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import fsPromises from 'node:fs/promises';
import type { Server } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse as parseYaml } from 'yaml';
import {
  CONFIG_FILE_MAX_BYTES,
  CONFIG_FILE_MAX_YAML_BYTES,
  parseConfigurationText,
  readConfigurationFile,
  readConfigurationFileAsync,
} from './config-file.reader';

/** Both ways of reading: synchronous (before Nest starts) and the watcher's. */
const READERS = [
  ['readConfigurationFile', async (path: string) => readConfigurationFile(path)],
  ['readConfigurationFileAsync', readConfigurationFileAsync],
] as const;

describe('reading a configuration file', () => {
  let dir: string;
  let rescuers: ChildProcess[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'health-reader-'));
    rescuers = [];
  });
  afterEach(() => {
    for (const rescuer of rescuers) rescuer.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    jest.restoreAllMocks();
  });

  /**
   * A real named pipe made at `path`, to be read at `readAt`. A reader that opens it blocking
   * would wait for a writer forever: a rescuer opens it for writing (appending nothing) after
   * 3 s, so such a reader fails the test instead of hanging it.
   */
  function fifo(path: string, readAt = path): string {
    execFileSync('mkfifo', [path]);
    rescuers.push(spawn('sh', ['-c', 'sleep 3; : >> "$0"', readAt], { stdio: 'ignore' }));
    return path;
  }

  const good = JSON.stringify({ checks: { db: { timeoutMs: 50 } } });

  describe.each(READERS)('%s', (_name, read) => {
    it('reads a regular file, and one behind symlinks as a ConfigMap mounts it', async () => {
      // The kubelet's layout: health.json -> ..data/health.json, ..data -> ..2024_01_01/
      mkdirSync(join(dir, '..2024_01_01'));
      writeFileSync(join(dir, '..2024_01_01', 'health.json'), good);
      symlinkSync('..2024_01_01', join(dir, '..data'));
      symlinkSync(join('..data', 'health.json'), join(dir, 'health.json'));
      await expect(read(join(dir, 'health.json'))).resolves.toEqual({
        checks: { db: { timeoutMs: 50 } },
      });
    });

    it('refuses a named pipe at once, naming its kind', async () => {
      const path = fifo(join(dir, 'health.json'));
      await expect(read(path)).rejects.toThrow(
        /^a named pipe, not a regular file \(only regular files are read\)$/,
      );
    });

    it('refuses a symlink to /dev/zero as a character device, a directory, and a socket', async () => {
      symlinkSync('/dev/zero', join(dir, 'zero.json'));
      await expect(read(join(dir, 'zero.json'))).rejects.toThrow(/^a character device, not a/);
      mkdirSync(join(dir, 'dir.json'));
      await expect(read(join(dir, 'dir.json'))).rejects.toThrow(/^a directory, not a regular/);
      const server: Server = createServer();
      await new Promise<void>((resolve) => server.listen(join(dir, 'sock.json'), resolve));
      try {
        await expect(read(join(dir, 'sock.json'))).rejects.toThrow(/^a socket, not a regular/);
      } finally {
        server.close();
      }
    });

    it('refuses a file over the cap before reading it, and reads one of exactly the cap', async () => {
      const big = join(dir, 'big.json');
      // Sparse: costs no disk.
      execFileSync('truncate', ['-s', `${2 * CONFIG_FILE_MAX_BYTES}`, big]);
      await expect(read(big)).rejects.toThrow(
        /^2097152 bytes, over the 1 MiB cap of a JSON configuration file$/,
      );
      const yaml = join(dir, 'big.yaml');
      execFileSync('truncate', ['-s', `${CONFIG_FILE_MAX_YAML_BYTES + 1}`, yaml]);
      await expect(read(yaml)).rejects.toThrow(
        /^65537 bytes, over the 64 KiB cap of a YAML configuration file$/,
      );
      const exact = join(dir, 'exact.json');
      writeFileSync(exact, good.padEnd(CONFIG_FILE_MAX_BYTES, ' '));
      await expect(read(exact)).resolves.toEqual({ checks: { db: { timeoutMs: 50 } } });
    });

    it('names the path of a file that cannot be opened, and nothing from inside one', async () => {
      await expect(read(join(dir, 'missing.json'))).rejects.toThrow(
        /^ENOENT: no such file or directory, stat '.*missing\.json'$/,
      );
      const shadow = join(dir, 'shadow');
      writeFileSync(shadow, 'root:*:20200:0:99999:7:::\n');
      symlinkSync(shadow, join(dir, 'shadow.json'));
      await expect(read(join(dir, 'shadow.json'))).rejects.toThrow(/^not valid JSON$/);
    });
  });

  it('refuses a file that grows past the cap between the stat and the read, reading at most cap + 1 bytes', async () => {
    const path = join(dir, 'growing.json');
    writeFileSync(path, good);
    const grow = (): void => appendFileSync(path, ' '.repeat(2 * CONFIG_FILE_MAX_BYTES));
    let bytes = 0;
    const open = fsPromises.open.bind(fsPromises);
    jest.spyOn(fsPromises, 'open').mockImplementation(async (...args) => {
      const handle: FileHandle = await open(...args);
      const stat = handle.stat.bind(handle);
      const read = handle.read.bind(handle) as (...a: unknown[]) => Promise<{ bytesRead: number }>;
      // The file grows after its size was taken from the opened handle.
      handle.stat = (async () => {
        const stats = await stat();
        grow();
        return stats;
      }) as FileHandle['stat'];
      handle.read = (async (...a: unknown[]) => {
        const result = await read(...a);
        bytes += result.bytesRead;
        return result;
      }) as FileHandle['read'];
      return handle;
    });
    await expect(readConfigurationFileAsync(path)).rejects.toThrow(
      /^grew while being read, over the 1 MiB cap of a JSON configuration file$/,
    );
    expect(bytes).toBe(CONFIG_FILE_MAX_BYTES + 1);

    writeFileSync(path, good);
    const fstatSync = fs.fstatSync.bind(fs);
    jest.spyOn(fs, 'fstatSync').mockImplementation(((fd: number) => {
      const stats = fstatSync(fd);
      grow();
      return stats;
    }) as typeof fs.fstatSync);
    const readSync = jest.spyOn(fs, 'readSync');
    expect(() => readConfigurationFile(path)).toThrow(/^grew while being read, over the 1 MiB/);
    const total = readSync.mock.results.reduce((sum, r) => sum + (r.value as number), 0);
    expect(total).toBe(CONFIG_FILE_MAX_BYTES + 1);
  });

  it('refuses a named pipe swapped in between the stat and the open, without blocking', async () => {
    const path = join(dir, 'health.json');
    writeFileSync(path, good);
    const swap = (): void => renameSync(fifo(join(dir, `pipe-${rescuers.length}`), path), path);
    const stat = fsPromises.stat.bind(fsPromises);
    jest.spyOn(fsPromises, 'stat').mockImplementation((async (p: string) => {
      const stats = await stat(p);
      swap();
      return stats;
    }) as typeof fsPromises.stat);
    await expect(readConfigurationFileAsync(path)).rejects.toThrow(/^a named pipe, not a regular/);

    writeFileSync(path + '.new', good);
    renameSync(path + '.new', path);
    const statSync = fs.statSync.bind(fs);
    jest.spyOn(fs, 'statSync').mockImplementation(((p: string) => {
      const stats = statSync(p);
      swap();
      return stats;
    }) as typeof fs.statSync);
    expect(() => readConfigurationFile(path)).toThrow(/^a named pipe, not a regular/);
  });
});

describe('a configuration file that does not parse', () => {
  afterEach(() => jest.restoreAllMocks());
  const json = (text: string): string => problem(text, false);
  const yaml = (text: string): string => problem(text, true);
  function problem(text: string, isYaml: boolean): string {
    try {
      parseConfigurationText(text, isYaml);
    } catch (error) {
      return (error as Error).message;
    }
    return 'parsed';
  }

  it('names the kind of JSON error and its line and column, never the content', () => {
    expect(json('{\n  "checks": {\n    "db" 1\n  }\n}')).toBe(
      "not valid JSON: expected ':' after a property name at line 3, column 10",
    );
    expect(json('{"a":1,}')).toBe(
      'not valid JSON: expected a property name in double quotes at line 1, column 8',
    );
    expect(json('{"checks": {"db": {"timeoutMs": 5')).toBe(
      "not valid JSON: expected ',' or a closing bracket at line 1, column 34",
    );
    expect(json('"GEMINI_API_KEY=AIza')).toBe(
      'not valid JSON: unterminated string at line 1, column 21',
    );
    expect(json('{"a": "\\q"}')).toBe('not valid JSON: bad escape in a string at line 1, column 9');
    expect(json('{"a": "\t"}')).toBe(
      'not valid JSON: control character in a string at line 1, column 8',
    );
    expect(json('{} {}')).toBe('not valid JSON: more content after the value at line 1, column 4');
    expect(json('[1e]')).toBe('not valid JSON: incomplete number at line 1, column 4');
    expect(json('')).toBe('not valid JSON: unexpected end of input');
    // V8 gives no position here, only the text: nothing is said but that.
    expect(json('root:*:20200:0:99999:7:::')).toBe('not valid JSON');
    expect(json('GEMINI_API_KEY=AIzaSECRETMARK')).toBe('not valid JSON');
  });

  it('names the YAML error code and its line and column, never the content', () => {
    expect(yaml('checks:\n  db: {}\n  db: {}\n')).toBe(
      'not valid YAML: DUPLICATE_KEY at line 3, column 3',
    );
    expect(yaml('checks: !!js/function SECRETMARK\n')).toBe(
      'not valid YAML: TAG_RESOLVE_FAILED at line 1, column 9',
    );
    expect(yaml('checks: "SECRETMARK')).toBe('not valid YAML: MISSING_CHAR at line 1, column 20');
    expect(yaml('checks: *SECRETMARK\n')).toBe('not valid YAML: an alias to no anchor');
    const laughs = [
      'a: &a [1, 1]',
      ...[...'bcdefghij'].map((k, i) => `${k}: &${k} [${`*${'abcdefghij'[i]}, `.repeat(9)}1]`),
    ];
    expect(yaml(laughs.join('\n'))).toBe('not valid YAML: too many aliases');
    expect(yaml('checks: 1\n---\nchecks: 2\n')).toMatch(
      /^not valid YAML: MULTIPLE_DOCS at line 2, column 1$/,
    );
  });

  // The message may hold only its fixed words: a run of the input's letters never shows.
  const jsonShape = /^not valid JSON(: [a-z ',:]+?( at line \d+, column \d+)?)?$/;
  const yamlShape = /^not valid YAML: ([A-Z_]+ at line \d+, column \d+|[a-z ]+)$/;
  const MARK = 'SECRETMARK';

  it('JSON: for any text of letters that is not JSON, the message holds none of it', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[QZXJ]{4,40}$/), (text) => {
        const message = json(text);
        expect(message).toMatch(jsonShape);
        expect(message).not.toMatch(/[QZXJ]{4}/);
      }),
    );
  });

  it('JSON: for any text holding a secret that does not parse, the message never holds it', () => {
    const pieces = fc.constantFrom(
      MARK,
      '{',
      '}',
      '[',
      ']',
      '"',
      ':',
      ',',
      '\\',
      ' ',
      '\n',
      '1',
      'e',
      '-',
      'true',
      '\t',
    );
    const texts = fc.oneof(
      fc.array(pieces, { maxLength: 30 }).map((parts) => parts.join('')),
      fc.tuple(fc.string(), fc.string()).map(([a, b]) => `${a}${MARK}${b}`),
      // JSON holding the secret in keys and values, cut short anywhere.
      fc.tuple(fc.jsonValue(), fc.nat()).map(([value, cut]) => {
        const text = JSON.stringify({ [MARK]: value, checks: { [MARK]: MARK } });
        return text.slice(0, cut % text.length);
      }),
    );
    let refused = 0;
    fc.assert(
      fc.property(texts, (text) => {
        const message = json(text);
        if (message === 'parsed') {
          // A text that happens to be JSON: JSON itself reads it.
          expect(() => JSON.parse(text)).not.toThrow();
        } else {
          refused++;
          expect(message).toMatch(jsonShape);
          expect(message).not.toContain(MARK);
        }
      }),
      { numRuns: 500 },
    );
    expect(refused).toBeGreaterThan(0);
  });

  it('YAML: the package never writes a warning of its own quoting the file', () => {
    const emitWarning = jest.spyOn(process, 'emitWarning');
    // A collection as a key is stringified: the package warns, quoting it, unless told not to.
    expect(parseConfigurationText(`? [${MARK}]\n: 1\n`, true)).toEqual({ [`[ ${MARK} ]`]: 1 });
    expect(emitWarning).not.toHaveBeenCalled();
  });

  it('YAML: for any text holding a secret that does not parse, the message never holds it', () => {
    const emitWarning = jest.spyOn(process, 'emitWarning');
    const pieces = fc.constantFrom(
      MARK,
      `${MARK}:`,
      `*${MARK}`,
      `&${MARK}`,
      `!!${MARK}`,
      ':',
      ' ',
      '\n',
      '\t',
      '"',
      "'",
      '[',
      ']',
      '{',
      '}',
      '- ',
      '? ',
      '|',
      '>',
      ',',
      '#',
      '%',
      '@',
      '`',
      '---\n',
    );
    const texts = fc.oneof(
      fc.array(pieces, { maxLength: 30 }).map((parts) => parts.join('')),
      fc.tuple(fc.string(), fc.string()).map(([a, b]) => `${a}${MARK}${b}`),
      fc.stringMatching(/^[QZXJ:[\]{} \n\t"-]{4,60}$/),
    );
    let refused = 0;
    fc.assert(
      fc.property(texts, (text) => {
        const message = yaml(text);
        if (message === 'parsed') {
          // A text that happens to be YAML: the yaml package reads it too.
          expect(() => parseYaml(text, { logLevel: 'error' })).not.toThrow();
        } else {
          refused++;
          expect(message).toMatch(yamlShape);
          expect(message).not.toContain(MARK);
          expect(message).not.toMatch(/[QZXJ]{4}/);
        }
      }),
      { numRuns: 500 },
    );
    expect(refused).toBeGreaterThan(0);
    expect(emitWarning).not.toHaveBeenCalled();
  });
});
