import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** A fenced ```ts block of a guide, with the file its `<!-- example: path -->` line names. */
export interface DocExample {
  /** The repository-relative path the marker names, or undefined when the block has none. */
  path: string | undefined;
  code: string;
}

/** Every ```ts block of a Markdown file (repository-relative path), in order. */
export function tsBlocks(markdownPath: string): DocExample[] {
  const text = readFileSync(join(ROOT, markdownPath), 'utf8');
  return [...text.matchAll(/(?:<!-- example: (\S+) -->\n\n?)?```ts\n([\s\S]*?)```/g)].map(
    ([, path, code]) => ({ path, code }),
  );
}

/**
 * Whether `code` is an excerpt of `source`: its lines appear contiguously in the file, each with
 * the same extra leading indentation; a line that is exactly `// …` stands for any number of
 * omitted lines.
 */
export function isExcerpt(code: string, source: string): boolean {
  const lines = code.replace(/\n$/, '').split('\n');
  const file = source.split('\n');
  for (let start = 0; start < file.length; start++) {
    const indent = /^\s*/.exec(file[start])![0];
    for (let cut = 0; cut <= indent.length; cut++) {
      if (matchFrom(lines, file, start, indent.slice(0, cut))) return true;
    }
  }
  return false;
}

function matchFrom(lines: string[], file: string[], start: number, indent: string): boolean {
  const match = (i: number, at: number): boolean => {
    if (i === lines.length) return true;
    if (lines[i].trim() === '// …') {
      for (let next = at; next <= file.length; next++) if (match(i + 1, next)) return true;
      return false;
    }
    if (at >= file.length) return false;
    const expected = lines[i] === '' ? '' : indent + lines[i];
    return file[at] === expected && match(i + 1, at + 1);
  };
  return match(0, start);
}
