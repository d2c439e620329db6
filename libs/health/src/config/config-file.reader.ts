import type { Stats } from 'node:fs';
import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { parseJsonText } from '../shared/json-text';
import { loadPeer, PACKAGE_NAME } from '../shared/require-peer';
import { errorText } from '../shared/error-text';
import { validateConfigurationContent } from './config-patch';

/** The largest JSON configuration file read, in bytes (1 MiB); a bigger one is refused unread. */
export const CONFIG_FILE_MAX_BYTES = 1024 * 1024;
/**
 * The largest YAML configuration file read, in bytes (64 KiB). Lower than JSON's: the `yaml`
 * parser takes seconds and a gigabyte of memory on 1 MiB of nested brackets.
 */
export const CONFIG_FILE_MAX_YAML_BYTES = 64 * 1024;

// O_NONBLOCK: a named pipe swapped in after the stat opens at once instead of waiting for a
// writer (the fstat of what was opened then refuses it). O_NOCTTY: a terminal never becomes ours.
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY;

/**
 * A configuration file's content, read, parsed and validated (values checked as startup settings
 * are); throws an error saying what is wrong. For apps that validate before Nest starts: it
 * reads synchronously, but only a regular file and at most its cap, so it cannot hang.
 */
export function readConfigurationFile(path: string): unknown {
  const format = formatOf(path);
  return parsed(format, readTextSync(path, format));
}

/** The same, reading without blocking the event loop (what the watcher uses). */
export async function readConfigurationFileAsync(path: string): Promise<unknown> {
  const format = formatOf(path);
  return parsed(format, await readText(path, format));
}

function parsed(format: Format, text: string): unknown {
  const content = parseConfigurationText(text, format.name === 'YAML');
  validateConfigurationContent(content);
  return content;
}

interface Format {
  name: 'JSON' | 'YAML';
  cap: number;
  capText: string;
}
const JSON_FORMAT: Format = { name: 'JSON', cap: CONFIG_FILE_MAX_BYTES, capText: '1 MiB' };
const YAML_FORMAT: Format = { name: 'YAML', cap: CONFIG_FILE_MAX_YAML_BYTES, capText: '64 KiB' };

/** `.yaml` and `.yml` files are YAML (with the optional peer `yaml`); any other is JSON. */
function formatOf(path: string): Format {
  return /\.ya?ml$/i.test(path) ? YAML_FORMAT : JSON_FORMAT;
}

// Stat before opening (opening some devices does something by itself), fstat after (the path may
// name another file by then), and never read more than the cap + 1 bytes (the file may grow).
function readTextSync(path: string, format: Format): string {
  refuseUnlessReadable(statSync(path), format);
  const fd = openSync(path, OPEN_FLAGS);
  try {
    refuseUnlessReadable(fstatSync(fd), format);
    const buffer = Buffer.alloc(format.cap + 1);
    let length = 0;
    let bytesRead: number;
    do {
      bytesRead = readSync(fd, buffer, length, buffer.length - length, null);
      length += bytesRead;
    } while (bytesRead > 0 && length < buffer.length);
    return decode(buffer, length, format);
  } finally {
    closeSync(fd);
  }
}

async function readText(path: string, format: Format): Promise<string> {
  refuseUnlessReadable(await stat(path), format);
  const handle = await open(path, OPEN_FLAGS);
  try {
    refuseUnlessReadable(await handle.stat(), format);
    const buffer = Buffer.alloc(format.cap + 1);
    let length = 0;
    let bytesRead: number;
    do {
      ({ bytesRead } = await handle.read(buffer, length, buffer.length - length, null));
      length += bytesRead;
    } while (bytesRead > 0 && length < buffer.length);
    return decode(buffer, length, format);
  } finally {
    await handle.close();
  }
}

function refuseUnlessReadable(stats: Stats, format: Format): void {
  if (!stats.isFile()) {
    throw new Error(`${kindOfFile(stats)}, not a regular file (only regular files are read)`);
  }
  if (stats.size > format.cap) throw new Error(`${stats.size} bytes, ${overCap(format)}`);
}

function decode(buffer: Buffer, length: number, format: Format): string {
  if (length > format.cap) throw new Error(`grew while being read, ${overCap(format)}`);
  return buffer.toString('utf8', 0, length);
}

function overCap({ name, capText }: Format): string {
  return `over the ${capText} cap of a ${name} configuration file`;
}

const FILE_KINDS: readonly (readonly [(stats: Stats) => boolean, string])[] = [
  [(s) => s.isFIFO(), 'a named pipe'],
  [(s) => s.isCharacterDevice(), 'a character device'],
  [(s) => s.isBlockDevice(), 'a block device'],
  [(s) => s.isDirectory(), 'a directory'],
  [(s) => s.isSocket(), 'a socket'],
];

function kindOfFile(stats: Stats): string {
  return FILE_KINDS.find(([is]) => is(stats))?.[1] ?? 'a special file';
}

/**
 * A configuration file's text parsed as JSON or YAML. A parse error names the kind of error and
 * where (line, column), never the content: the path may point at a file of secrets.
 */
export function parseConfigurationText(text: string, yaml: boolean): unknown {
  return yaml ? parseYaml(text) : parseJsonText(text);
}

interface YamlProblem {
  code: string;
  linePos?: readonly { line: number; col: number }[];
}

const ALIAS_PROBLEMS: readonly (readonly [RegExp, string])[] = [
  [/^Excessive alias count/, 'too many aliases'],
  [/^Unresolved alias/, 'an alias to no anchor'],
];

function parseYaml(text: string): unknown {
  const yaml = loadPeer<typeof import('yaml')>('yaml', `${PACKAGE_NAME} YAML configFile`);
  // One document, plain data: no custom tags, no aliases that expand without bound. logLevel
  // 'error': the package's own warnings (process.emitWarning) would quote keys from the file.
  const document = yaml.parseDocument(text, {
    schema: 'core',
    uniqueKeys: true,
    logLevel: 'error',
  });
  const problem = document.errors[0] ?? document.warnings[0];
  if (problem) throw new Error(`not valid YAML: ${yamlProblem(problem)}`);
  try {
    return document.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (error) {
    const message = errorText(error);
    const kind = ALIAS_PROBLEMS.find(([pattern]) => pattern.test(message))?.[1];
    throw new Error(`not valid YAML: ${kind ?? 'not plain data'}`);
  }
}

/** The `yaml` package's error code and position only: its message carries a frame of the text. */
function yamlProblem({ code, linePos }: YamlProblem): string {
  const kind = /^[A-Z_]{1,40}$/.test(code) ? code : 'error';
  const at = linePos?.[0];
  return at ? `${kind} at line ${at.line}, column ${at.col}` : kind;
}
