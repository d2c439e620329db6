import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { requireApiKeyBeforeBody } from './auth/api-key.middleware';
import { ApiKeys } from './auth/api-keys';
import { TEXT_PROCESSING_PATH } from './text-processing/text-processing.controller';

/**
 * Settings every instance of the service gets, in production and in tests alike. Call it before
 * `app.init()` / `app.listen()`: Nest registers its body parsers at init, after what is added
 * here, so the API key is checked before a body is parsed (a caller without a key gets 401, never
 * 400 or 413).
 */
export function configureApp(app: INestApplication): INestApplication {
  const express = app as NestExpressApplication;
  express.disable('x-powered-by');
  if (bodyParserRegistered(express)) {
    throw new Error(
      'configureApp must run before app.init(): the API key has to be checked before the body parser',
    );
  }
  express.use(`/${TEXT_PROCESSING_PATH}`, requireApiKeyBeforeBody(app.get(ApiKeys)));
  return app;
}

/** Whether Nest's JSON body parser is already on the Express stack (the app was initialized). */
function bodyParserRegistered(app: NestExpressApplication): boolean {
  const router = (app.getHttpAdapter().getInstance() as { router?: { stack?: unknown } }).router;
  const stack = Array.isArray(router?.stack)
    ? (router.stack as { handle?: { name?: string } }[])
    : [];
  // Nest's own test for it (ExpressAdapter.isMiddlewareApplied): a layer whose handler has the name.
  return stack.some((layer) => layer?.handle?.name === 'jsonParser');
}
