import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isAuthorized } from '../shared/api-key';

/** The most bytes a configuration patch may have. */
export const MAX_PATCH_BYTES = 64 * 1024;

/** The media types a patch may come as: RFC 7396's own, and plain JSON. */
export const PATCH_MEDIA_TYPES = ['application/merge-patch+json', 'application/json'] as const;

/** A refusal as the admin endpoint answers it. */
export interface Refusal {
  status: number;
  message: string;
}

const UNSUPPORTED_MEDIA_TYPE: Refusal = {
  status: 415,
  message: `Send the patch as ${PATCH_MEDIA_TYPES.join(' or ')}`,
};

/**
 * Why a PATCH's body cannot be read as a patch, from its headers alone (before any byte of it is
 * read): a media type other than the two, a charset other than UTF-8, or a declared size over the
 * bound. Undefined when nothing is wrong.
 */
export function patchHeadersProblem(headers: IncomingMessage['headers']): Refusal | undefined {
  const length = Number(headers['content-length'] ?? 0);
  if (length > MAX_PATCH_BYTES) return tooLarge();
  if (!hasBody(headers)) return undefined;
  const [type, ...parameters] = String(headers['content-type'] ?? '').split(';');
  if (!(PATCH_MEDIA_TYPES as readonly string[]).includes(type.trim().toLowerCase())) {
    return UNSUPPORTED_MEDIA_TYPE;
  }
  for (const parameter of parameters) {
    const [name, value = ''] = parameter.split('=').map((part) => part.trim().toLowerCase());
    if (name === 'charset' && value.replace(/"/g, '') !== 'utf-8') return UNSUPPORTED_MEDIA_TYPE;
  }
  return undefined;
}

/** Whether the request says it carries a body. */
export function hasBody(headers: IncomingMessage['headers']): boolean {
  return headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;
}

export function tooLarge(): Refusal {
  return { status: 413, message: `A configuration patch has at most ${MAX_PATCH_BYTES} bytes` };
}

/** Who the admin endpoint lets in, before anything else about the request is looked at. */
export function adminAccessProblem(
  headers: IncomingMessage['headers'],
  adminKeys: readonly string[],
): Refusal | undefined {
  if (adminKeys.length === 0) return { status: 404, message: 'Not Found' };
  if (!isAuthorized(headers, adminKeys)) return { status: 401, message: 'Unauthorized' };
  return undefined;
}

/**
 * Whether a request path is the admin endpoint's (`path`, as mounted), under any prefix or
 * version: its last segments are `path`'s (a trailing slash allowed), compared without case. `decode`:
 * each segment percent-decoded first, as Fastify's router does (`/v1/health/%63onfig` reaches
 * the endpoint there; Express routes it nowhere). A decoded `%2F` never splits a segment.
 */
export function adminPathMatcher(
  path: string,
  { decode = false }: { decode?: boolean } = {},
): (url: string | undefined) => boolean {
  const wanted = path.toLowerCase().split('/');
  return (url) => {
    const segments = (url ?? '').split('?')[0].split('/');
    if (segments.length > 1 && segments[segments.length - 1] === '') segments.pop();
    if (segments.length < wanted.length) return false;
    const tail = segments.slice(-wanted.length);
    return tail.every(
      (segment, i) => (decode ? decoded(segment) : segment).toLowerCase() === wanted[i],
    );
  };
}

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export const GATED_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'PATCH', 'DELETE']);

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
};

/** The body Nest's HttpException would have (`{ message, error, statusCode }`). */
export function answerBody({ status, message }: Refusal): Record<string, unknown> {
  return status === 401 || status === 404
    ? { message, statusCode: status }
    : { message, error: REASONS[status], statusCode: status };
}

export type AdminMethod = 'GET' | 'PATCH' | 'DELETE';

/**
 * The admin endpoint's query: PATCH takes `dryRun=true|false` once; nothing else takes any.
 * Returns the problem as text when there is one: a misspelt `dryrun` must not apply for real.
 */
export function parseAdminQuery(
  url: string | undefined,
  method: AdminMethod,
): { dryRun: boolean } | string {
  const query = (url ?? '').split('?').slice(1).join('?');
  let dryRun: boolean | undefined;
  for (const [name, value] of new URLSearchParams(query)) {
    const shown = JSON.stringify(name.slice(0, 40));
    if (method !== 'PATCH' || name !== 'dryRun') {
      const takes = method === 'PATCH' ? 'only dryRun=true or dryRun=false' : 'no query parameter';
      return `Unknown query parameter ${shown}: ${method} takes ${takes}`;
    }
    if (dryRun !== undefined) return 'Query parameter "dryRun" given twice';
    if (value !== 'true' && value !== 'false') return 'Invalid dryRun: expected true or false';
    dryRun = value === 'true';
  }
  return { dryRun: dryRun ?? false };
}

/** The key that fingerprints are made with: random per process (see `fingerprint`). */
const FINGERPRINT_KEY = randomBytes(32);

/**
 * A key's short fingerprint for audit lines: 8 hex digits of an HMAC-SHA256 under a secret of
 * the process, so that whoever reads the logs cannot test a guessed key against it offline.
 * Within one process, one key has one fingerprint.
 */
export function fingerprint(key: string, secret: Buffer = FINGERPRINT_KEY): string {
  return createHmac('sha256', secret).update(key).digest('hex').slice(0, 8);
}
