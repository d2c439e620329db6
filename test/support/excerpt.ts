// The guides' excerpt check in the form some specs ask it (a block's code as one string): the
// rule itself is test/support/doc-examples.ts's, which test/doc-examples.e2e-spec.ts applies to
// every guide.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fencedBlocks, isExcerpt as isExcerptOf } from './doc-examples';

const ROOT = join(__dirname, '..', '..');

/** A fenced ```ts block of a guide, with the file its `<!-- example: path -->` line names. */
export interface DocExample {
  /** The repository-relative path the marker names, or undefined when the block has none. */
  path: string | undefined;
  code: string;
}

/** Every ```ts block of a Markdown file (repository-relative path), in order. */
export function tsBlocks(markdownPath: string): DocExample[] {
  return fencedBlocks(readFileSync(join(ROOT, markdownPath), 'utf8'))
    .filter((block) => block.language === 'ts' || block.language === 'typescript')
    .map((block) => ({ path: block.example, code: `${block.lines.join('\n')}\n` }));
}

/** Whether `code` is an excerpt of `source` (see `isExcerpt` in doc-examples.ts). */
export function isExcerpt(code: string, source: string): boolean {
  return isExcerptOf(code.replace(/\n$/, '').split('\n'), source);
}
