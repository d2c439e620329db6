// main.ts
import { documentHealthEndpoints } from '@nest-health/core/openapi';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
// docs/openapi.md's app (docs/metrics.md's module); test/docs/examples.e2e-spec.ts runs it.
// Run from the repository root:
//   npx ts-node --transpile-only -r tsconfig-paths/register docs/examples/openapi/main.ts
import { Logger } from '@nestjs/common';

async function main(): Promise<void> {
  const app = await NestFactory.create(AppModule);
  documentHealthEndpoints(app); // before createDocument
  const config = new DocumentBuilder().setTitle('My API').setVersion('1.0.0').build();
  SwaggerModule.setup('docs', app, SwaggerModule.createDocument(app, config));
  await app.listen(process.env.PORT ?? 3000); // Swagger UI at /docs, the document at /docs-json
  new Logger('openapi').log(`listening on ${await app.getUrl()}`);
}
void main();
