import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseJsonText } from '../shared/json-text';
import type { Refusal } from './admin-request';
import {
  adminAccessProblem,
  adminPathMatcher,
  answerBody,
  GATED_METHODS,
  hasBody,
  MAX_PATCH_BYTES,
  patchHeadersProblem,
  tooLarge,
} from './admin-request';

/**
 * An Express middleware for the admin endpoint, mounted before the app's body parsers: a caller
 * without a valid admin key gets 401 (404 while the endpoint is off) before any byte of the body
 * is read; a PATCH's body is then read here, bounded, and parsed as JSON without quoting it in
 * errors, so the app's parsers never see it.
 */
export function adminGate(
  path: string,
  adminKeys: () => readonly string[],
): (req: IncomingMessage & { body?: unknown }, res: ServerResponse, next: () => void) => void {
  const matches = adminPathMatcher(path);
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

function refuse(req: IncomingMessage, res: ServerResponse, refusal: Refusal): void {
  const body = answerBody(refusal);
  res.statusCode = refusal.status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  // A body left unread is not waited for: the connection closes after the answer.
  if (!req.complete) res.setHeader('Connection', 'close');
  res.end(JSON.stringify(body));
}
