// V8's own messages quote the text they failed on: only their fixed opening words are matched.
const JSON_PROBLEMS: readonly (readonly [RegExp, string])[] = [
  [/^Unexpected end of JSON input/, 'unexpected end of input'],
  [/^Unterminated string/, 'unterminated string'],
  [/^Bad control character/, 'control character in a string'],
  [/^Bad escaped character/, 'bad escape in a string'],
  [/^Unexpected non-whitespace character after JSON/, 'more content after the value'],
  [/^Expected (double-quoted )?property name/, 'expected a property name in double quotes'],
  [/^Expected ':'/, "expected ':' after a property name"],
  [/^Expected ','/, "expected ',' or a closing bracket"],
  [/^(No number after minus sign|Exponent part is missing)/, 'incomplete number'],
];

/**
 * Parses JSON from outside (a file, a Redis value, a request body). A syntax error names the
 * kind of error and where (line, column), never the text: V8's own messages quote the input
 * (`Unexpected token 'r', "root:*:202"... is not valid JSON`), and the input may be a secret
 * the path or the key was pointed at.
 */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(jsonProblem(text, error instanceof Error ? error.message : ''));
  }
}

function jsonProblem(text: string, message: string): string {
  const kind = JSON_PROBLEMS.find(([pattern]) => pattern.test(message))?.[1];
  const position = / JSON at position (\d+)(?: \(line \d+ column \d+\))?$/.exec(message);
  const at = position ? ` at ${lineAndColumn(text, Number(position[1]))}` : '';
  if (!kind && !at) return 'not valid JSON';
  return `not valid JSON: ${kind ?? 'unexpected character'}${at}`;
}

/** `line L, column C` (both from 1) of an offset into the text. */
export function lineAndColumn(text: string, position: number): string {
  const before = text.slice(0, Math.min(position, text.length));
  const line = before.split('\n').length;
  return `line ${line}, column ${before.length - before.lastIndexOf('\n')}`;
}
