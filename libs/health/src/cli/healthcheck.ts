#!/usr/bin/env node
/**
 * A health check for container runtimes, for images without curl: GET one URL, exit 0 on a 2xx
 * answer, 1 on anything else (another status, a refused connection, no answer in time), 2 on bad
 * arguments. One line of output either way. Node built-ins only: it loads nothing of Nest.
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
/** Enough of the body for its summary; the rest is not read. */
const MAX_BODY_BYTES = 8192;
const MAX_SUMMARY_CHARS = 200;

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
    const finish = (result: HealthcheckResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      resolve(result);
    };
    const request = send(options, (response) =>
      readSummary(response, (summary) => {
        const status = response.statusCode ?? 0;
        const ok = status >= 200 && status < 300;
        const tail = summary ? `: ${summary}` : '';
        finish({
          ok,
          line: `${ok ? 'healthy' : 'unhealthy'}: HTTP ${status} from ${target} in ${elapsed()}${tail}`,
        });
      }),
    );
    request.on('error', (error: NodeJS.ErrnoException) =>
      finish({ ok: false, line: `unhealthy: no answer from ${target}: ${describe(error)}` }),
    );
    const timer = setTimeout(
      () =>
        finish({
          ok: false,
          line: `unhealthy: no answer from ${target} within ${options.timeoutMs} ms`,
        }),
      options.timeoutMs,
    );
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

/** Reads at most MAX_BODY_BYTES of the body and sums it up in one line. */
function readSummary(response: IncomingMessage, done: (summary: string) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let reported = false;
  const report = () => {
    if (reported) return;
    reported = true;
    done(summarize(Buffer.concat(chunks).toString('utf8')));
  };
  response.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= MAX_BODY_BYTES) report();
  });
  response.on('end', report);
  response.on('error', report);
  response.on('close', report);
}

/**
 * The body's last line; with the Kubernetes probe format, also the checks that failed
 * (`[-]database failed`). Control characters are dropped and the line is cut short.
 */
export function summarize(body: string): string {
  const lines = body
    .split(/\r?\n/)
    // eslint-disable-next-line no-control-regex -- dropping control characters is the point
    .map((line) => line.replace(/[\u0000-\u001f\u007f]/g, ' ').trim())
    .filter((line) => line.length > 0);
  if (lines.length === 0) return '';
  const failed = lines.filter((line) => line.startsWith('[-]')).map((line) => line.slice(3));
  const last = lines[lines.length - 1];
  const summary = failed.length > 0 ? `${last} (${failed.join('; ')})` : last;
  return summary.length > MAX_SUMMARY_CHARS
    ? `${summary.slice(0, MAX_SUMMARY_CHARS - 3)}...`
    : summary;
}

const ERROR_TEXT: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

function describe(error: NodeJS.ErrnoException): string {
  const known = error.code === undefined ? undefined : ERROR_TEXT[error.code];
  if (known) return `${known} (${error.code})`;
  return error.code ? `${error.message} (${error.code})` : error.message;
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
    output.err(`healthcheck: ${(error as Error).message}`);
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
