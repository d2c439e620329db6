import type { NextFunction, Request, Response } from 'express';
import { ApiKeys } from './api-keys';

/**
 * An Express middleware with the guard's check, for mounting before the body parsers: a caller
 * without a valid key gets 401 before any byte of its body is parsed (never 400 or 413). The
 * unread body is discarded by Node, not buffered.
 */
export function requireApiKeyBeforeBody(
  keys: ApiKeys,
): (req: Request, res: Response, next: NextFunction) => void {
  return function apiKeyBeforeBody(req, res, next) {
    if (keys.accepts(req.headers)) return next();
    const refusal = ApiKeys.refusal();
    res.status(refusal.getStatus()).json(refusal.getResponse());
  };
}
