// main.ts
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
// docs/metrics.md's app; test/docs/examples.e2e-spec.ts runs it. Run from the repository root:
//   npx ts-node --transpile-only -r tsconfig-paths/register docs/examples/metrics/main.ts
import { Logger } from '@nestjs/common';

async function main(): Promise<void> {
  const app = await NestFactory.create(AppModule);
  await app.listen(process.env.PORT ?? 3000); // curl localhost:3000/metrics
  new Logger('metrics').log(`listening on ${await app.getUrl()}`);
}
void main();
