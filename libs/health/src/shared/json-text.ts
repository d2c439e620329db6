/** V8's JSON.parse messages, by their fixed opening words, as the kind of error they report. */
const KINDS: readonly [RegExp, string][] = [
  [/^Unexpected end of JSON input/, 'unexpected end of input'],
  [/^Unterminated string/, 'unterminated string'],
  [/^Bad control character/, 'control character in a string'],
  [/^Bad (escaped character|Unicode escape)/, 'bad escape in a string'],
  [/^Unexpected non-whitespace character after JSON/, 'more content after the JSON value'],
  [
    /^(Unexpected token|Unexpected character|Expected|Unexpected string|Unexpected number)/,
    'unexpected character',
  ],
];

/**
 * Parses JSON read from outside (a file, a Redis value). On a syntax error, throws one whose
 * message names the kind of error and where it is, never the text: V8's own messages quote the
 * input (`Unexpected token 'r', "root:*:202"... is not valid JSON`), and the input may be a
 * secret the path or the key was pointed at.
 */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`not valid JSON: ${jsonErrorText(error, text)}`);
  }
}

/** `unexpected character at line 3, column 7`: what V8 reported, without what it quoted. */
export function jsonErrorText(error: unknown, text: string): string {
  const message = error instanceof Error ? error.message : '';
  const kind = KINDS.find(([pattern]) => pattern.test(message))?.[1] ?? 'syntax error';
  const position = /at position (\d+)/.exec(message)?.[1];
  return position === undefined ? kind : `${kind} at ${lineAndColumn(text, Number(position))}`;
}

/** Line and column (both from 1) of an offset into the text. */
export function lineAndColumn(text: string, offset: number): string {
  let line = 1;
  let start = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return `line ${line}, column ${end - start + 1}`;
}
