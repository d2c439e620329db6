import fc from 'fast-check';
import { ELISION, fencedBlocks, isExcerpt, isSpec, specRuns } from './doc-examples';

describe('fencedBlocks', () => {
  it('finds each block with its line, language, lines and example marker', () => {
    const markdown = [
      '# Guide', // 1
      '', // 2
      '<!-- example: docs/examples/app.ts -->', // 3
      '', // 4
      '```ts', // 5
      'const a = 1;', // 6
      '', // 7
      '  const b = 2;', // 8
      '```', // 9
      'Text.', // 10
      '<!-- example: test/x.e2e-spec.ts -->', // 11
      '```typescript', // 12
      'x();', // 13
      '```', // 14
      '', // 15
      '```console', // 16
      '$ curl localhost', // 17
      '```', // 18
      '```', // 19
      'plain', // 20
      '```', // 21
    ].join('\n');
    expect(fencedBlocks(markdown)).toEqual([
      {
        line: 5,
        language: 'ts',
        lines: ['const a = 1;', '', '  const b = 2;'],
        example: 'docs/examples/app.ts',
      },
      { line: 12, language: 'typescript', lines: ['x();'], example: 'test/x.e2e-spec.ts' },
      { line: 16, language: 'console', lines: ['$ curl localhost'] },
      { line: 19, language: '', lines: ['plain'] },
    ]);
  });

  it('takes a marker only from the line before, or the one before a blank line', () => {
    const markdown =
      '<!-- example: a.ts -->\n\n\n```ts\nx\n```\n<!-- example: b.ts -->\ntext\n```ts\ny\n```';
    expect(fencedBlocks(markdown).map((block) => block.example)).toEqual([undefined, undefined]);
  });

  it('reads a block indented in a list item without its indentation', () => {
    const markdown = '- item:\n\n  ```ts\n  if (a) {\n    b();\n  }\n  ```\nafter';
    expect(fencedBlocks(markdown)).toEqual([
      { line: 3, language: 'ts', lines: ['if (a) {', '  b();', '}'] },
    ]);
  });

  it('takes a longer fence as one block, shorter fences inside it as text', () => {
    const markdown = '````md\n```ts\nx\n```\n````\n';
    expect(fencedBlocks(markdown)).toEqual([
      { line: 1, language: 'md', lines: ['```ts', 'x', '```'] },
    ]);
  });
});

describe('isExcerpt', () => {
  const source = [
    "import { a } from 'a';", // 0
    '', // 1
    'describe(() => {', // 2
    '  it(() => {', // 3
    '    const x = a();', // 4
    '', // 5
    '    expect(x).toBe(1);', // 6
    '  });', // 7
    '});', // 8
  ].join('\n');

  it('accepts contiguous lines, with one extra indentation for all of them', () => {
    expect(isExcerpt(['const x = a();', '', 'expect(x).toBe(1);'], source)).toBe(true);
    expect(isExcerpt(['it(() => {', '  const x = a();'], source)).toBe(true);
    expect(isExcerpt(["import { a } from 'a';"], source)).toBe(true);
  });

  it('refuses lines out of order, apart, differently indented or changed', () => {
    expect(isExcerpt(['expect(x).toBe(1);', 'const x = a();'], source)).toBe(false);
    expect(isExcerpt(["import { a } from 'a';", 'describe(() => {'], source)).toBe(false);
    expect(isExcerpt(['it(() => {', 'const x = a();'], source)).toBe(false);
    expect(isExcerpt(['const x = a(); '], source)).toBe(false);
    expect(isExcerpt(['const x = b();'], source)).toBe(false);
    expect(isExcerpt(['x = a();'], source)).toBe(false);
  });

  it('lets `// …` stand for any number of lines, none included', () => {
    expect(isExcerpt(["import { a } from 'a';", ELISION, 'expect(x).toBe(1);'], source)).toBe(
      true, // each run of lines with an indentation of its own
    );
    expect(isExcerpt(['const x = a();', ELISION, 'expect(x).toBe(2);'], source)).toBe(false);
    expect(isExcerpt(['describe(() => {', '  // …', '});'], source)).toBe(true);
    expect(isExcerpt(['it(() => {', ELISION, '  const x = a();'], source)).toBe(true);
    expect(isExcerpt([ELISION, 'const x = a();', ELISION], source)).toBe(true);
    expect(isExcerpt(['});', ELISION, 'describe(() => {'], source)).toBe(false);
  });

  const line = fc.stringMatching(/^[a-z(){};= ]{0,12}$/);
  const file = fc.array(line, { minLength: 1, maxLength: 30 });

  it('accepts any contiguous slice of a file, indented or not', () => {
    fc.assert(
      fc.property(
        file,
        fc.nat(),
        fc.nat(),
        fc.constantFrom('', '  ', '    ', '\t'),
        (lines, a, b, indent) => {
          const from = a % lines.length;
          const to = from + 1 + (b % (lines.length - from));
          const slice = lines.slice(from, to);
          // The file holds the slice indented; the block shows it as written.
          const indented = [
            ...lines.slice(0, from),
            ...slice.map((l) => (l.trim() === '' ? '' : indent + l)),
            ...lines.slice(to),
          ];
          return isExcerpt(slice, indented.join('\n'));
        },
      ),
    );
  });

  it('accepts any lines of a file kept in order, with `// …` for each gap', () => {
    fc.assert(
      fc.property(file, fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }), (lines, keep) => {
        const block: string[] = [];
        lines.forEach((l, i) => {
          if (keep[i]) block.push(l);
          else if (block[block.length - 1] !== ELISION) block.push(ELISION);
        });
        return isExcerpt(block, lines.join('\n'));
      }),
    );
  });

  it('refuses a block with a line that the file does not have', () => {
    fc.assert(
      fc.property(file, fc.nat(), line, (lines, at, extra) => {
        const stranger = `${extra}#`; // '#' never occurs in a generated file
        const block = [...lines];
        block.splice(at % (lines.length + 1), 0, stranger);
        return !isExcerpt(block, lines.join('\n'));
      }),
    );
  });

  it('refuses a slice whose lines are shifted by different indentations', () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[a-z]{1,8}$/), { minLength: 2, maxLength: 10 }),
        fc.nat(),
        (lines, at) => {
          const k = 1 + (at % (lines.length - 1));
          const indented = lines.map((l, i) => (i < k ? `  ${l}` : `    ${l}`));
          return !isExcerpt(lines, indented.join('\n'));
        },
      ),
    );
  });
});

describe('isSpec', () => {
  it('knows the test files by their names, as jest.config.ts does', () => {
    expect(['a.spec.ts', 'test/b.e2e-spec.ts'].map(isSpec)).toEqual([true, true]);
    expect(['docs/examples/a.ts', 'a.spec.js', 'spec.ts'].map(isSpec)).toEqual([
      false,
      false,
      false,
    ]);
  });
});

describe('specRuns', () => {
  const spec = 'test/docs/guide.e2e-spec.ts';

  it('sees a file imported by a relative specifier, with or without its extension', () => {
    const text = "import { AppModule } from '../../docs/examples/app';\nrequire('./helper.ts');";
    expect(specRuns(spec, text, 'docs/examples/app.ts')).toBe(true);
    expect(specRuns(spec, text, 'test/docs/helper.ts')).toBe(true);
    expect(
      specRuns(spec, "await import('../../docs/examples/lazy')", 'docs/examples/lazy.ts'),
    ).toBe(true);
  });

  it('sees a file named by its repository path', () => {
    const text = "spawn(['docs/examples/minimal-app.ts'])";
    expect(specRuns(spec, text, 'docs/examples/minimal-app.ts')).toBe(true);
  });

  it('sees a file in a folder it names, as a string of two segments or more', () => {
    const text = "const EXAMPLE = 'docs/examples/bootstrap';";
    expect(specRuns(spec, text, 'docs/examples/bootstrap/src/main.ts')).toBe(true);
    expect(specRuns(spec, text, 'docs/examples/bootstrap-2/main.ts')).toBe(false);
    expect(specRuns(spec, "join(root, 'docs')", 'docs/examples/app.ts')).toBe(false);
  });

  it('does not see a file it neither imports nor names', () => {
    const text = "import { x } from '../../docs/examples/app';\n// app-2.ts";
    expect(specRuns(spec, text, 'docs/examples/app-2.ts')).toBe(false);
    expect(specRuns(spec, text, 'test/docs/examples/app.ts')).toBe(false);
  });
});
