// Issue 25: a guide's code runs in a test. Every ```ts block of README.md, libs/health/README.md
// and docs/**/*.md names, on the line before it, the file it is an excerpt of
// (`<!-- example: path -->`), and that file is a Jest spec or a file that a spec imports or names
// (to run it in a process of its own). Signatures and pseudo-code go in ```text blocks.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ELISION, fencedBlocks, isExcerpt, isSpec, specRuns } from './support/doc-examples';

const root = join(__dirname, '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const under = (folder: string) =>
  readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' })
    .filter((path) => !path.split('/').includes('node_modules'))
    .map((path) => join(folder, path));

const guides = [
  'README.md',
  'libs/health/README.md',
  ...under('docs').filter((path) => path.endsWith('.md')),
].sort();
const specs = ['apps', 'libs', 'test'].flatMap(under).filter(isSpec);
const TYPESCRIPT = new Set(['ts', 'typescript']);

/** What is wrong with a ```ts block whose example marker names `example`. */
function problems(lines: string[], example: string | undefined): string[] {
  if (!example) return ['no `<!-- example: <path> -->` on the line before it'];
  if (!/\.tsx?$/.test(example) || !existsSync(join(root, example))) {
    return [`its example ${example} is not a TypeScript file of the repository`];
  }
  const found: string[] = [];
  const source = read(example);
  if (!isExcerpt(lines, source)) {
    const stranger = lines.find(
      (line) => !['', ELISION].includes(line.trim()) && !source.includes(line.trim()),
    );
    found.push(
      `it is not an excerpt of ${example}` +
        (stranger ? ` (${example} has no line ${JSON.stringify(stranger.trim())})` : ''),
    );
  }
  if (!isSpec(example) && !specs.some((spec) => specRuns(spec, read(spec), example))) {
    found.push(`no spec imports or names ${example}`);
  }
  return found;
}

describe.each(guides)('%s', (guide) => {
  const all = fencedBlocks(read(guide));
  const blocks = all.filter((block) => TYPESCRIPT.has(block.language));

  it('marks no block but a ```ts one as an example', () => {
    const stale = all.filter((block) => block.example && !TYPESCRIPT.has(block.language));
    expect(stale.map((block) => `${guide}:${block.line}: a \`\`\`${block.language} block`)).toEqual(
      [],
    );
  });
  if (blocks.length === 0) {
    it('has no ```ts block', () => expect(blocks).toEqual([]));
    return;
  }

  it.each(blocks.map((block) => [block.line, block] as const))(
    '```ts block of line %i is an excerpt of a file that a test runs',
    (line, block) => {
      const found = problems(block.lines, block.example).map((p) => `${guide}:${line}: ${p}`);
      expect(found).toEqual([]);
    },
  );
});

describe('the files that a guide can name', () => {
  it('include the specs under apps/, libs/ and test/, and this one', () => {
    expect(specs).toContain('test/doc-examples.e2e-spec.ts');
    expect(specs).toContain('test/support/doc-examples.spec.ts');
    expect(guides).toEqual(
      expect.arrayContaining(['README.md', 'docs/testing.md', 'docs/indicators/cache.md']),
    );
  });
});
