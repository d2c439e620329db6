#!/usr/bin/env node
/**
 * A health check for container runtimes, for images without curl: GET one URL, exit 0 on a 2xx
 * answer whose body arrived whole, 1 on anything else (another status, a refused connection, a
 * body cut short, no whole answer in time), 2 on bad arguments. One line of output either way.
 * Node built-ins only: it loads nothing of Nest.
 *
 * The body is read to its end, within the timeout: an answer is whole when every byte its
 * Content-Length announced came, or its final chunk did, or (with neither) the server closed the
 * connection without a reset. Only the first MAX_BODY_BYTES are kept, for the summary; the rest
 * is read and dropped, so a big whole body is healthy and a body that never ends is not.
 *
 * Everything printed passes through `printable`: control characters, bidirectional controls and
 * other invisible format characters from the server (body, certificate names in TLS errors)
 * never reach the terminal or the log.
 *
 *   node node_modules/@nest-health/core/cli/healthcheck.js \
 *     --url http://127.0.0.1:8000/v1/health/ready --timeout 2000
 */
import { readFileSync } from 'node:fs';
import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export const HEALTHCHECK_USAGE =
  'usage: healthcheck --url <http(s)://host:port/path> [--timeout <ms, default 2000>] [--ca <PEM file>] [--insecure]';

export const DEFAULT_TIMEOUT_MS = 2000;
const MAX_TIMEOUT_MS = 600_000;
/** Enough of the body for its summary; the rest is read (to know it came whole) and dropped. */
const MAX_BODY_BYTES = 8192;
const MAX_SUMMARY_CHARS = 200;
const MAX_ERROR_CHARS = 200;

export interface HealthcheckOptions {
  url: URL;
  timeoutMs: number;
  /** PEM certificates to trust (besides none: only these) for an https URL. */
  ca?: string;
  /** Do not verify the server's certificate. */
  insecure: boolean;
}

export interface HealthcheckResult {
  ok: boolean;
  line: string;
}

/** Bad arguments: the message names what was wrong. */
export class HealthcheckUsageError extends Error {
  override readonly name = 'HealthcheckUsageError';
}

type ReadFile = (path: string) => string;

const readText: ReadFile = (path) => readFileSync(path, 'utf8');

/** Reads `--url`, `--timeout`, `--ca`, `--insecure` (also as `--name=value`). */
export function parseHealthcheckArguments(
  argv: readonly string[],
  readFile: ReadFile = readText,
): HealthcheckOptions {
  const values = new Map<string, string>();
  let insecure = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [name, inline] = splitOption(arg);
    if (name === '--insecure') {
      if (inline !== undefined) throw new HealthcheckUsageError('--insecure takes no value');
      insecure = true;
      continue;
    }
    if (!['--url', '--timeout', '--ca'].includes(name)) {
      throw new HealthcheckUsageError(
        arg.startsWith('-') ? `unknown option ${name}` : `unexpected argument "${arg}"`,
      );
    }
    if (values.has(name)) throw new HealthcheckUsageError(`${name} given twice`);
    const value = inline ?? argv[++i];
    if (value === undefined || value === '')
      throw new HealthcheckUsageError(`${name} needs a value`);
    values.set(name, value);
  }
  const rawUrl = values.get('--url');
  if (rawUrl === undefined) throw new HealthcheckUsageError('missing --url');
  const ca = values.get('--ca');
  return {
    url: parseUrl(rawUrl),
    timeoutMs: parseTimeout(values.get('--timeout')),
    ca: ca === undefined ? undefined : readCa(ca, readFile),
    insecure,
  };
}

function splitOption(arg: string): [string, string | undefined] {
  const eq = arg.indexOf('=');
  if (!arg.startsWith('--') || eq < 0) return [arg, undefined];
  return [arg.slice(0, eq), arg.slice(eq + 1)];
}

function parseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new HealthcheckUsageError('--url is not an absolute URL (http://host:port/path)');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new HealthcheckUsageError(`--url must be http:// or https://, not ${url.protocol}//`);
  }
  if (url.username || url.password) {
    throw new HealthcheckUsageError('--url must not carry a user or password');
  }
  return url;
}

function parseTimeout(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_TIMEOUT_MS;
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= 1 && value <= MAX_TIMEOUT_MS)) {
    throw new HealthcheckUsageError(
      `--timeout must be whole milliseconds from 1 to ${MAX_TIMEOUT_MS}, not "${raw.slice(0, 40)}"`,
    );
  }
  return value;
}

function readCa(path: string, readFile: ReadFile): string {
  let pem: string;
  try {
    pem = readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new HealthcheckUsageError(`--ca: cannot read ${path} (${code})`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new HealthcheckUsageError(`--ca: ${path} holds no PEM certificate`);
  }
  return pem;
}

/** The URL as printed: scheme, host, port and path; never a query (it may carry a token). */
export function printableUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

/** One GET, never following redirects, settled within `timeoutMs` whatever the server does. */
export function runHealthcheck(options: HealthcheckOptions): Promise<HealthcheckResult> {
  const started = process.hrtime.bigint();
  const target = printableUrl(options.url);
  const elapsed = () => `${Number((process.hrtime.bigint() - started) / 1_000_000n)} ms`;
  return new Promise((resolve) => {
    let settled = false;
    let body: BodyReader | undefined;
    const finish = (ok: boolean, line: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      resolve({ ok, line: printable(line) });
    };
    const request = send(options, (response) => {
      body = new BodyReader(response, (read) => {
        const answer = `HTTP ${read.status} from ${target} in ${elapsed()}`;
        if (!read.whole) return finish(false, `unhealthy: ${answer}, ${read.cutShort()}`);
        const ok = read.status >= 200 && read.status < 300;
        finish(ok, `${ok ? 'healthy' : 'unhealthy'}: ${answer}${read.summary()}`);
      });
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (body) return body.fail(describe(error));
      finish(false, `unhealthy: no answer from ${target}: ${describe(error)}`);
    });
    const timer = setTimeout(() => {
      const within = `within ${options.timeoutMs} ms`;
      if (!body) return finish(false, `unhealthy: no answer from ${target} ${within}`);
      const progress = `body not finished ${within}, ${body.progress()} came`;
      finish(false, `unhealthy: HTTP ${body.status} from ${target}, ${progress}${body.summary()}`);
    }, options.timeoutMs);
  });
}

function send(
  options: HealthcheckOptions,
  onResponse: (response: IncomingMessage) => void,
): ClientRequest {
  const https = options.url.protocol === 'https:';
  const requestOptions: RequestOptions & { ca?: string; rejectUnauthorized?: boolean } = {
    method: 'GET',
    agent: false,
    headers: { accept: 'text/plain, application/json;q=0.9, */*;q=0.5' },
  };
  if (https) {
    requestOptions.rejectUnauthorized = !options.insecure;
    if (options.ca !== undefined) requestOptions.ca = options.ca;
  }
  const request = (https ? httpsRequest : httpRequest)(options.url, requestOptions, onResponse);
  request.end();
  return request;
}

/**
 * Reads a body to its end, keeping its first MAX_BODY_BYTES for the summary, and reports once:
 * at its end, or when the response closes before it.
 */
class BodyReader {
  readonly status: number;
  private readonly expected?: number;
  private readonly head: Buffer[] = [];
  private kept = 0;
  private received = 0;
  /** What went wrong on the connection before the body was complete. */
  private failure?: string;
  private reported = false;

  constructor(
    private readonly response: IncomingMessage,
    private readonly done: (body: BodyReader) => void,
  ) {
    this.status = response.statusCode ?? 0;
    const length = response.headers['content-length'];
    if (length !== undefined && /^\d+$/.test(length)) this.expected = Number(length);
    response.on('data', (chunk: Buffer) => this.take(chunk));
    // An error is followed by 'close', with the body not complete.
    response.on('error', () => undefined);
    response.on('end', () => this.report());
    response.on('close', () => this.report());
  }

  /** Every byte announced came, and nothing went wrong on the way. */
  get whole(): boolean {
    return this.response.complete && this.failure === undefined;
  }

  /**
   * An error on the connection. After a complete body it changes nothing (curl, too, ignores
   * bytes after the announced end); before, it means the body may be cut short, even when Node
   * counts a body that runs to the end of the connection as complete after a reset.
   */
  fail(reason: string): void {
    if (!this.response.complete) this.failure ??= reason;
  }

  /** `2 of 1000 bytes`, or `20000 bytes` when no length was announced. */
  progress(): string {
    const of = this.expected === undefined ? '' : ` of ${this.expected}`;
    return `${this.received}${of} bytes`;
  }

  cutShort(): string {
    const chunked = /\bchunked\b/i.test(String(this.response.headers['transfer-encoding']));
    const why = this.failure ?? (chunked ? 'no final chunk' : undefined);
    return `body cut short after ${this.progress()}${why ? `, ${why}` : ''}${this.summary()}`;
  }

  /** `: <summary>` of what came, or nothing for an empty body. */
  summary(): string {
    const text = summarize(Buffer.concat(this.head).toString('utf8'));
    return text ? `: ${text}` : '';
  }

  private take(chunk: Buffer): void {
    this.received += chunk.length;
    if (this.kept >= MAX_BODY_BYTES) return;
    const part = chunk.subarray(0, MAX_BODY_BYTES - this.kept);
    this.head.push(part);
    this.kept += part.length;
  }

  private report(): void {
    if (this.reported) return;
    this.reported = true;
    this.done(this);
  }
}

/**
 * The body's last line; with the Kubernetes probe format, also the checks that failed
 * (`[-]database failed`). Made printable, and cut to MAX_SUMMARY_CHARS.
 */
export function summarize(body: string): string {
  const lines = body
    .split(/\r?\n/)
    .map((line) => printable(line).trim())
    .filter((line) => line.length > 0);
  if (lines.length === 0) return '';
  const failed = lines.filter((line) => line.startsWith('[-]')).map((line) => line.slice(3));
  const last = lines[lines.length - 1];
  return shorten(failed.length > 0 ? `${last} (${failed.join('; ')})` : last, MAX_SUMMARY_CHARS);
}

/** Control characters and line or paragraph separators: each becomes a space. */
const CONTROL = /[\p{Cc}\p{Zl}\p{Zp}]/u;
/**
 * Format characters (the bidirectional controls U+202A-U+202E, U+2066-U+2069, U+200E, U+200F,
 * U+061C among them), lone surrogates and the other default-ignorable code points (zero-width
 * spaces and joiners, fillers, variation selectors, tags): invisible, or able to reorder or
 * disguise the text around them. Each is dropped.
 */
const INVISIBLE = /[\p{Cf}\p{Cs}\p{Default_Ignorable_Code_Point}]/u;
const UNPRINTABLE = new RegExp(`${CONTROL.source}|${INVISIBLE.source}`, 'gu');

/** `text` with nothing that could move the cursor, break the line or disguise what it says. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (char) => (CONTROL.test(char) ? ' ' : ''));
}

/** At most `max` UTF-16 units, ending in `...` when cut; never half of a surrogate pair. */
function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 3);
  return `${/[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut}...`;
}

const ERROR_TEXT = new Map([
  ['ECONNREFUSED', 'connection refused'],
  ['ECONNRESET', 'connection reset'],
  ['ENOTFOUND', 'host not found'],
  ['EAI_AGAIN', 'host name lookup failed'],
  ['EHOSTUNREACH', 'host unreachable'],
  ['ENETUNREACH', 'network unreachable'],
]);

function describe(error: NodeJS.ErrnoException): string {
  const known = error.code === undefined ? undefined : ERROR_TEXT.get(error.code);
  if (known) return `${known} (${error.code})`;
  // The message may quote the server (a certificate's name): bounded, and printed printable.
  const message = shorten(printable(error.message), MAX_ERROR_CHARS);
  return error.code ? `${message} (${printable(error.code)})` : message;
}

export interface HealthcheckOutput {
  out: (line: string) => void;
  err: (line: string) => void;
}

const processOutput: HealthcheckOutput = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** The command: parses, checks, prints one line; resolves to the exit code (0, 1 or 2). */
export async function healthcheckMain(
  argv: readonly string[],
  output: HealthcheckOutput = processOutput,
): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    output.out(HEALTHCHECK_USAGE);
    return 0;
  }
  let options: HealthcheckOptions;
  try {
    options = parseHealthcheckArguments(argv);
  } catch (error) {
    output.err(printable(`healthcheck: ${(error as Error).message}`));
    output.err(HEALTHCHECK_USAGE);
    return 2;
  }
  const result = await runHealthcheck(options);
  (result.ok ? output.out : output.err)(result.line);
  return result.ok ? 0 : 1;
}

if (require.main === module) {
  void healthcheckMain(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
