// The docs rule of issue 25, as functions: every ```ts block of a guide names, on the line before
// it, the file it is an excerpt of (`<!-- example: path -->`), and a test runs that file.
// test/doc-examples.e2e-spec.ts applies it to every guide; doc-examples.spec.ts tests it.
import { dirname, join, relative, resolve } from 'node:path';

/** A fenced code block of a Markdown file. */
export interface FencedBlock {
  /** 1-based line of the opening fence. */
  line: number;
  /** The info string's first word: `ts`, `console`, `` (none). */
  language: string;
  /** The lines between the fences, without the fence's own indentation. */
  lines: string[];
  /** The path of `<!-- example: path -->` on the line before (a blank line between allowed). */
  example?: string;
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)/;
const MARKER = /^<!-- example: (\S+) -->$/;

/** The fenced blocks of a Markdown text, in order. */
export function fencedBlocks(markdown: string): FencedBlock[] {
  const lines = markdown.split('\n');
  const blocks: FencedBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, language] = open;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !isClosing(lines[i], fence); i++) {
      body.push(lines[i].startsWith(indent) ? lines[i].slice(indent.length) : lines[i].trimStart());
    }
    const before = lines[start - 1]?.trim() === '' ? lines[start - 2] : lines[start - 1];
    const example = MARKER.exec(before?.trim() ?? '')?.[1];
    blocks.push({ line: start + 1, language, lines: body, ...(example && { example }) });
  }
  return blocks;
}

function isClosing(line: string, fence: string): boolean {
  const trimmed = line.trim();
  return trimmed.startsWith(fence) && /^(`+|~+)$/.test(trimmed) && trimmed[0] === fence[0];
}

/** A block line that stands for any number of omitted lines of the file. */
export const ELISION = '// …';

/**
 * Whether `block` is an excerpt of `source`: its lines appear contiguously in the file, every
 * non-blank one with the same extra leading indentation; a block line `// …` (whatever its own
 * indentation) stands for any number of lines of the file, none included, and the run of lines
 * after it may have an extra indentation of its own (the code of a test, after the imports).
 */
export function isExcerpt(block: readonly string[], source: string): boolean {
  const file = source.split('\n');
  let next = 0;
  return split(block).every((segment) => {
    const at = find(segment, file, next);
    if (at < 0) return false;
    next = at + segment.length;
    return true;
  });
}

/** The first line, from `from` on, where the segment starts, with some extra indentation. */
function find(segment: string[], file: string[], from: number): number {
  for (let at = from; at + segment.length <= file.length; at++) {
    const indent = indentAt(segment, file, at);
    if (indent !== undefined && matchesAt(segment, file, at, indent)) return at;
  }
  return -1;
}

/** The block's runs of lines between elisions, without empty runs. */
function split(block: readonly string[]): string[][] {
  const segments: string[][] = [[]];
  for (const line of block) {
    if (line.trim() === ELISION) segments.push([]);
    else segments[segments.length - 1].push(line);
  }
  return segments.filter((segment) => segment.length > 0);
}

/** The extra indentation that the segment's first non-blank line has at `at`, if it is there. */
function indentAt(segment: string[], file: string[], at: number): string | undefined {
  const k = segment.findIndex((line) => line.trim() !== '');
  if (k < 0) return '';
  const line = file[at + k];
  if (!line.endsWith(segment[k])) return undefined;
  const indent = line.slice(0, line.length - segment[k].length);
  return indent.trim() === '' ? indent : undefined;
}

function matchesAt(segment: string[], file: string[], at: number, indent: string): boolean {
  return segment.every((line, k) =>
    line.trim() === '' ? file[at + k].trim() === '' : file[at + k] === indent + line,
  );
}

const SPEC = /\.(e2e-)?spec\.ts$/;

/** Whether a file is a Jest spec of this repository (jest.config.ts's `testRegex`). */
export function isSpec(path: string): boolean {
  return SPEC.test(path);
}

const SPECIFIER = /(?:from\s+|import\(\s*|require\(\s*)'(\.{1,2}\/[^']+)'/g;

const FOLDER = /'([\w.-]+(?:\/[\w.-]+)+)'/g;

/**
 * Whether the spec at `specPath` (repository-relative, its text `specText`) runs the file at
 * `path`: it imports it (a relative specifier, with or without `.ts`), or names its
 * repository-relative path (to run it in a process of its own, say), or names a folder of it as
 * a string of at least two segments (`'docs/examples/bootstrap'`: to copy and build the app).
 */
export function specRuns(specPath: string, specText: string, path: string): boolean {
  if (specText.includes(path)) return true;
  for (const [, folder] of specText.matchAll(FOLDER)) {
    if (path.startsWith(`${folder}/`)) return true;
  }
  const root = resolve('/');
  for (const [, specifier] of specText.matchAll(SPECIFIER)) {
    const target = relative(root, resolve(root, dirname(specPath), specifier));
    if (target === path || `${target}.ts` === path || join(target, 'index.ts') === path) {
      return true;
    }
  }
  return false;
}
