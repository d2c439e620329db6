import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseJsonText } from '../shared/json-text';
import { isAuthorized } from './api-key';

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

function tooLarge(): Refusal {
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

/** Whether a request path is the admin endpoint's, under any prefix or version. */
export function adminPathMatcher(basePath: string): (url: string | undefined) => boolean {
  const escaped = basePath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`(^|/)${escaped}/config/?$`, 'i');
  return (url) => pattern.test((url ?? '').split('?')[0]);
}

const GATED_METHODS = new Set(['GET', 'HEAD', 'PATCH', 'DELETE']);

/**
 * An Express middleware for the admin endpoint, mounted before the app's body parsers: a caller
 * without a valid admin key gets 401 (404 while the endpoint is off) before any byte of the body
 * is read; a PATCH's body is then read here, bounded, and parsed as JSON without quoting it in
 * errors, so the app's parsers never see it.
 */
export function adminGate(
  basePath: string,
  adminKeys: () => readonly string[],
): (req: IncomingMessage & { body?: unknown }, res: ServerResponse, next: () => void) => void {
  const matches = adminPathMatcher(basePath);
  return function healthAdminGate(req, res, next) {
    if (!GATED_METHODS.has(req.method ?? '') || !matches(req.url)) return next();
    const refusal =
      adminAccessProblem(req.headers, adminKeys()) ??
      (req.method === 'PATCH' ? patchHeadersProblem(req.headers) : undefined);
    if (refusal) return refuse(req, res, refusal);
    if (req.method !== 'PATCH' || !hasBody(req.headers)) return next();
    readBody(req).then(
      (body) => {
        req.body = body;
        next();
      },
      (error: unknown) => refuse(req, res, error as Refusal),
    );
  };
}

/** Reads at most MAX_PATCH_BYTES and parses them; rejects with the refusal to answer. */
function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_PATCH_BYTES) {
        req.removeAllListeners('data');
        req.pause();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () => reject({ status: 400, message: 'The request body could not be read' }));
    req.on('end', () => {
      if (size > MAX_PATCH_BYTES) return;
      try {
        resolve(parseJsonText(Buffer.concat(chunks).toString('utf8')));
      } catch (error) {
        reject({ status: 400, message: `Invalid patch: ${(error as Error).message}` });
      }
    });
  });
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
};

/** The body Nest's HttpException would have (`{ message, error, statusCode }`). */
function answerBody({ status, message }: Refusal): Record<string, unknown> {
  return status === 401 || status === 404
    ? { message, statusCode: status }
    : { message, error: REASONS[status], statusCode: status };
}

function refuse(req: IncomingMessage, res: ServerResponse, refusal: Refusal): void {
  const body = answerBody(refusal);
  res.statusCode = refusal.status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  // A body left unread is not waited for: the connection closes after the answer.
  if (!req.complete) res.setHeader('Connection', 'close');
  res.end(JSON.stringify(body));
}

/** The parts of Nest's HTTP adapter the gate uses (Express's and Fastify's alike). */
interface AdapterLike {
  getType?(): string;
  getInstance?(): unknown;
  use?(handler: unknown): unknown;
}

interface FastifyLike {
  addHook(
    name: 'onRequest',
    hook: (
      request: { raw: IncomingMessage },
      reply: {
        code(status: number): { header(n: string, v: string): { send(body: unknown): unknown } };
      },
      done: () => void,
    ) => void,
  ): unknown;
  hasContentTypeParser?(type: string): boolean;
  addContentTypeParser(
    type: string,
    options: { parseAs: 'string'; bodyLimit: number },
    parser: (
      request: unknown,
      body: string,
      done: (error: Error | null, value?: unknown) => void,
    ) => void,
  ): unknown;
}

/**
 * Puts the gate in front of the app's body parsers: on Express, a middleware added before Nest
 * registers its parsers (at `init()`); on Fastify, an `onRequest` hook (before any body is
 * parsed) and a parser for `application/merge-patch+json`, which Fastify lacks. Returns false
 * for any other platform: the controller's own checks then still hold, after the app's parser.
 */
export function installAdminGate(
  adapter: AdapterLike | undefined,
  basePath: string,
  adminKeys: () => readonly string[],
): boolean {
  const type = adapter?.getType?.();
  if (type === 'express' && typeof adapter?.use === 'function') {
    adapter.use(adminGate(basePath, adminKeys));
    return true;
  }
  if (type !== 'fastify') return false;
  const fastify = adapter!.getInstance!() as FastifyLike;
  const matches = adminPathMatcher(basePath);
  fastify.addHook('onRequest', (request, reply, done) => {
    const { raw } = request;
    if (!GATED_METHODS.has(raw.method ?? '') || !matches(raw.url)) return done();
    const refusal =
      adminAccessProblem(raw.headers, adminKeys()) ??
      (raw.method === 'PATCH' ? patchHeadersProblem(raw.headers) : undefined);
    if (!refusal) return done();
    reply.code(refusal.status).header('Cache-Control', 'no-store').send(answerBody(refusal));
  });
  const mergePatch = PATCH_MEDIA_TYPES[0];
  if (!fastify.hasContentTypeParser?.(mergePatch)) {
    fastify.addContentTypeParser(
      mergePatch,
      { parseAs: 'string', bodyLimit: MAX_PATCH_BYTES },
      (_request, body, done) => {
        try {
          done(null, parseJsonText(body));
        } catch (error) {
          done(
            Object.assign(new Error(`Invalid patch: ${(error as Error).message}`), {
              statusCode: 400,
            }),
          );
        }
      },
    );
  }
  return true;
}
