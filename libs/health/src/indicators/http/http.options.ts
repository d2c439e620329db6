import { HealthConfigurationError, ValueKind } from '../../shared/errors';
import { msOption, optionsObject } from '../../shared/indicator-options';
import { validateComponentName } from '../../shared/names';
import { integer } from '../../shared/validate';

/** A status class (`'2xx'`) or one status code. */
export type HttpStatusMatch = number | '1xx' | '2xx' | '3xx' | '4xx' | '5xx';

export interface HttpIndicatorOptions {
  /** The http:// or https:// URL to ask. Required. */
  url: string;
  /** Component name. Default `'http'`. */
  name?: string;
  /** Default `'GET'`. `'HEAD'` reads no body (no `expectBody` then). */
  method?: 'GET' | 'HEAD';
  /** Status codes (200) or classes ('2xx') that count as up, after redirects. Default `['2xx']`. */
  expectedStatus?: readonly (number | '1xx' | '2xx' | '3xx' | '4xx' | '5xx')[];
  /**
   * A text the body must contain, or a predicate over the body's text; only the first
   * `maxBodyBytes` bytes are read. Unset: the body is not read at all.
   */
  expectBody?: string | ((body: string) => boolean | Promise<boolean>);
  /** Most bytes of the body read for `expectBody`. Default 65536, at most 1048576. */
  maxBodyBytes?: number;
  /** Request headers (an `Authorization`, say); values never appear in a status. */
  headers?: Readonly<Record<string, string>>;
  /** Redirects followed, 0 to 20; past them the check is UNHEALTHY. Default 5. */
  maxRedirects?: number;
  /** An answer slower than this many ms is DEGRADED; 0 (default) turns it off. */
  degradedLatencyMs?: number;
  /** Gives up after this many ms when nobody aborts the check. Default 10000. */
  requestTimeoutMs?: number;
  /** PEM certificate(s) trusted for https, instead of Node's default CAs. */
  ca?: string | Buffer | readonly (string | Buffer)[];
  /** `false` accepts any server certificate (testing only). Default `true`. */
  rejectUnauthorized?: boolean;
}

export interface ResolvedHttpOptions {
  url: URL;
  name: string;
  method: 'GET' | 'HEAD';
  expected: readonly HttpStatusMatch[];
  expectBody?: HttpIndicatorOptions['expectBody'];
  maxBodyBytes: number;
  headers: Readonly<Record<string, string>>;
  maxRedirects: number;
  degradedLatencyMs: number;
  requestTimeoutMs: number;
  tls: { ca?: (string | Buffer)[]; rejectUnauthorized: boolean };
}

export const MAX_BODY_BYTES = 1_048_576;
export const MAX_REDIRECTS = 20;
const MAX_HEADERS = 32;
const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'];
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]{0,8192}$/;

/** Defaults, then validation: a bad value throws naming the option (never a header's value). */
export function resolveHttpOptions(options: HttpIndicatorOptions): ResolvedHttpOptions {
  optionsObject(options, 'HttpIndicator');
  const where = (key: string) => `HttpIndicator.${key}`;
  const method = options.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') {
    throw new HealthConfigurationError(where('method'), method, 'GET or HEAD');
  }
  if (options.expectBody !== undefined && method === 'HEAD') {
    throw new HealthConfigurationError(
      where('expectBody'),
      new ValueKind(options.expectBody),
      'unset with method HEAD',
    );
  }
  const body = options.expectBody;
  if (body !== undefined && typeof body !== 'function' && (typeof body !== 'string' || !body)) {
    throw new HealthConfigurationError(where('expectBody'), body, 'a non-empty text or a function');
  }
  const maxBodyBytes = integer(where('maxBodyBytes'), options.maxBodyBytes ?? 65_536, 1);
  if (maxBodyBytes > MAX_BODY_BYTES) {
    throw new HealthConfigurationError(
      where('maxBodyBytes'),
      maxBodyBytes,
      `at most ${MAX_BODY_BYTES}`,
    );
  }
  if (typeof body === 'string' && Buffer.byteLength(body) > maxBodyBytes) {
    // It could never be found in the bytes read.
    throw new HealthConfigurationError(
      where('expectBody'),
      new ValueKind(body),
      `a text of at most maxBodyBytes (${maxBodyBytes}) bytes`,
    );
  }
  const maxRedirects = integer(where('maxRedirects'), options.maxRedirects ?? 5, 0);
  if (maxRedirects > MAX_REDIRECTS) {
    throw new HealthConfigurationError(
      where('maxRedirects'),
      maxRedirects,
      `at most ${MAX_REDIRECTS}`,
    );
  }
  const rejectUnauthorized = options.rejectUnauthorized ?? true;
  if (typeof rejectUnauthorized !== 'boolean') {
    throw new HealthConfigurationError(
      where('rejectUnauthorized'),
      rejectUnauthorized,
      'true or false',
    );
  }
  return {
    url: httpUrl(options.url),
    name: validateComponentName(options.name ?? 'http', where('name')),
    method,
    expected: expectedStatus(options.expectedStatus),
    expectBody: body,
    maxBodyBytes,
    headers: headers(options.headers),
    maxRedirects,
    degradedLatencyMs: msOption(where('degradedLatencyMs'), options.degradedLatencyMs, 0),
    requestTimeoutMs: msOption(where('requestTimeoutMs'), options.requestTimeoutMs, 10_000, 1),
    tls: { ca: certificates(options.ca), rejectUnauthorized },
  };
}

/** Whether `status` matches one of `expected`. */
export function statusMatches(status: number, expected: readonly HttpStatusMatch[]): boolean {
  return expected.some((e) => (typeof e === 'number' ? e === status : e[0] === String(status)[0]));
}

function httpUrl(value: unknown): URL {
  // The value is never shown: a URL may carry a password or a token.
  const url =
    typeof value === 'string' && value.length <= 2048 && URL.canParse(value)
      ? new URL(value)
      : undefined;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
    throw new HealthConfigurationError(
      'HttpIndicator.url',
      new ValueKind(value),
      'an http:// or https:// URL',
    );
  }
  return url;
}

function expectedStatus(value: unknown): readonly HttpStatusMatch[] {
  if (value === undefined) return ['2xx'];
  const valid =
    Array.isArray(value) &&
    value.length > 0 &&
    value.length <= 64 &&
    Array.from(value as unknown[]).every(
      (v) =>
        (Number.isInteger(v) && (v as number) >= 100 && (v as number) <= 599) ||
        STATUS_CLASSES.includes(v as string),
    );
  if (!valid) {
    throw new HealthConfigurationError(
      'HttpIndicator.expectedStatus',
      value,
      "a list of status codes (100 to 599) or classes ('2xx')",
    );
  }
  return [...(value as HttpStatusMatch[])];
}

function headers(value: unknown): Readonly<Record<string, string>> {
  if (value === undefined) return {};
  const entries = value !== null && typeof value === 'object' ? Object.entries(value) : undefined;
  if (!entries || Array.isArray(value) || entries.length > MAX_HEADERS) {
    throw new HealthConfigurationError(
      'HttpIndicator.headers',
      value,
      `an object of at most ${MAX_HEADERS} headers`,
    );
  }
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [key, text] of entries) {
    if (!TOKEN.test(key))
      throw new HealthConfigurationError('HttpIndicator.headers', key, 'header names');
    if (typeof text !== 'string' || !HEADER_VALUE.test(text)) {
      throw new HealthConfigurationError(
        `HttpIndicator.headers.${key}`,
        new ValueKind(text),
        'a header value',
      );
    }
    out[key] = text;
  }
  return out;
}

function certificates(value: unknown): (string | Buffer)[] | undefined {
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? (value as unknown[]) : [value];
  const valid =
    list.length > 0 && list.every((c) => (typeof c === 'string' && c !== '') || Buffer.isBuffer(c));
  if (!valid)
    throw new HealthConfigurationError(
      'HttpIndicator.ca',
      new ValueKind(value),
      'PEM text, a Buffer or a list of them',
    );
  return list as (string | Buffer)[];
}
