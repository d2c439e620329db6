import type { IncomingMessage } from 'node:http';
import { Transform } from 'node:stream';
import { parseJsonText } from '../shared/json-text';
import type { Refusal } from './admin-request';
import {
  adminAccessProblem,
  adminPathMatcher,
  answerBody,
  GATED_METHODS,
  MAX_PATCH_BYTES,
  PATCH_MEDIA_TYPES,
  patchHeadersProblem,
  tooLarge,
} from './admin-request';

type Done = (error?: Error | null, value?: unknown) => void;

interface FastifyReplyLike {
  code(status: number): { header(n: string, v: string): { send(body: unknown): unknown } };
}

/** The parts of a Fastify instance the gate uses. */
export interface FastifyLike {
  addHook(
    name: 'onRequest',
    hook: (request: { raw: IncomingMessage }, reply: FastifyReplyLike, done: Done) => void,
  ): unknown;
  addHook(
    name: 'preParsing',
    hook: (
      request: { raw: IncomingMessage },
      reply: FastifyReplyLike,
      payload: NodeJS.ReadableStream,
      done: Done,
    ) => void,
  ): unknown;
  hasContentTypeParser?(type: string): boolean;
  addContentTypeParser(
    type: string,
    options: { parseAs: 'string'; bodyLimit: number },
    parser: (request: unknown, body: string, done: Done) => void,
  ): unknown;
}

/**
 * The admin gate on Fastify: an `onRequest` hook answers 404/401 (and a PATCH's header problems)
 * before any body is read; a `preParsing` hook holds the body to 64 KiB whatever parser reads it
 * (Fastify's own JSON parser allows 1 MiB, and a chunked body declares no length); and a parser
 * for `application/merge-patch+json`, which Fastify lacks, unless the app has one.
 */
export function installFastifyAdminGate(
  fastify: FastifyLike,
  path: string,
  adminKeys: () => readonly string[],
): void {
  const matches = adminPathMatcher(path, { decode: true });
  const gated = (raw: IncomingMessage) => GATED_METHODS.has(raw.method ?? '') && matches(raw.url);
  fastify.addHook('onRequest', (request, reply, done) => {
    const { raw } = request;
    if (!gated(raw)) return done();
    const refusal =
      adminAccessProblem(raw.headers, adminKeys()) ??
      (raw.method === 'PATCH' ? patchHeadersProblem(raw.headers) : undefined);
    if (!refusal) return done();
    reply.code(refusal.status).header('Cache-Control', 'no-store').send(answerBody(refusal));
  });
  fastify.addHook('preParsing', (request, _reply, payload, done) => {
    if (!gated(request.raw)) return done(null, payload);
    done(null, payload.pipe(bounded(MAX_PATCH_BYTES)));
  });
  const mergePatch = PATCH_MEDIA_TYPES[0];
  if (fastify.hasContentTypeParser?.(mergePatch)) return;
  fastify.addContentTypeParser(
    mergePatch,
    { parseAs: 'string', bodyLimit: MAX_PATCH_BYTES },
    (_request, body, done) => {
      try {
        done(null, parseJsonText(body));
      } catch (error) {
        done(httpError({ status: 400, message: `Invalid patch: ${(error as Error).message}` }));
      }
    },
  );
}

/** A stream that passes at most `limit` bytes and fails with 413 past them. */
function bounded(limit: number): Transform {
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > limit) callback(httpError(tooLarge()));
      else callback(null, chunk);
    },
  });
}

function httpError({ status, message }: Refusal): Error {
  return Object.assign(new Error(message), { statusCode: status });
}
