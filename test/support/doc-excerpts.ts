import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One fenced ```ts block of a page, with the file its marker names (undefined when unmarked). */
export interface DocExample {
  readonly file?: string;
  readonly code: string;
}

/** Every ```ts block of `markdown`, each with the path of its `<!-- example: ... -->` marker. */
export function docExamples(markdown: string): DocExample[] {
  const blocks = markdown.matchAll(/(?:<!-- example: (\S+) -->\n\n)?```ts\n([\s\S]*?)```/g);
  return [...blocks].map(([, file, code]) => ({ file, code }));
}

/**
 * Whether `block` is an excerpt of `source`: its lines appear contiguously in it, each with the
 * same extra leading indentation; a line that is exactly `// …` stands for any number of
 * omitted lines (the parts around it appear in order).
 */
export function isExcerpt(block: string, source: string): boolean {
  const lines = block.replace(/\n$/, '').split('\n');
  const parts: string[][] = [[]];
  for (const line of lines) {
    if (line.trim() === '// …') parts.push([]);
    else parts[parts.length - 1].push(line);
  }
  const src = source.split('\n');
  const first = parts[0];
  for (let start = 0; start < src.length; start++) {
    const indent = indentFor(first[0] ?? '', src[start]);
    if (indent === undefined || !matchesAt(first, src, start, indent)) continue;
    if (restInOrder(parts.slice(1), src, start + first.length, indent)) return true;
  }
  return false;
}

function indentFor(line: string, sourceLine: string): string | undefined {
  if (line === '') return sourceLine.trim() === '' ? '' : undefined;
  if (!sourceLine.endsWith(line)) return undefined;
  const indent = sourceLine.slice(0, sourceLine.length - line.length);
  return indent.trim() === '' ? indent : undefined;
}

function matchesAt(part: string[], src: string[], at: number, indent: string): boolean {
  return part.every((line, i) => {
    const sourceLine = src[at + i];
    if (sourceLine === undefined) return false;
    return line === '' ? sourceLine.trim() === '' : sourceLine === indent + line;
  });
}

function restInOrder(parts: string[][], src: string[], from: number, indent: string): boolean {
  if (parts.length === 0) return true;
  const [part, ...rest] = parts;
  if (part.length === 0) return restInOrder(rest, src, from, indent);
  for (let at = from; at < src.length; at++) {
    if (matchesAt(part, src, at, indent) && restInOrder(rest, src, at + part.length, indent)) {
      return true;
    }
  }
  return false;
}

/** The problems of one page: unmarked blocks, files that do not exist, blocks not excerpts. */
export function excerptProblems(root: string, page: string): string[] {
  const problems: string[] = [];
  for (const [index, { file, code }] of docExamples(
    readFileSync(join(root, page), 'utf8'),
  ).entries()) {
    const where = `${page}, block ${index + 1}`;
    if (!file) problems.push(`${where}: no <!-- example: path --> marker`);
    else if (!existsSync(join(root, file))) problems.push(`${where}: ${file} does not exist`);
    else if (!isExcerpt(code, readFileSync(join(root, file), 'utf8'))) {
      problems.push(`${where}: not an excerpt of ${file}`);
    }
  }
  return problems;
}
