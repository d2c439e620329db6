import { HealthService } from '@nest-health/core';
import { documentHealthEndpoints } from '@nest-health/core/openapi';
import type { INestApplication } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** Swagger UI's path; the document is at `docs-json` (and `docs-yaml`), as FastAPI's `/docs`. */
export const API_DOCS_PATH = 'docs';

/** The service's OpenAPI document: every health route described, the rest as Nest declares it. */
export function apiDocument(app: INestApplication): OpenAPIObject {
  documentHealthEndpoints(app);
  const config = new DocumentBuilder()
    .setTitle('AI Text Processing API')
    .setDescription(
      'Text processing through the AI provider, the health endpoints (legacy body, reports, probes, trends, configuration, status page, events) and the Prometheus metrics.',
    )
    .setVersion(app.get(HealthService).version)
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** Serves Swagger UI at `/docs` and the document at `/docs-json`. Call before `app.listen()`. */
export function serveApiDocs(app: INestApplication): OpenAPIObject {
  const document = apiDocument(app);
  SwaggerModule.setup(API_DOCS_PATH, app, document, { jsonDocumentUrl: `${API_DOCS_PATH}-json` });
  return document;
}
