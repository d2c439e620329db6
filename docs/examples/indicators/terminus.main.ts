// Boots docs/indicators/terminus.md's app (terminus.module.ts) in a process of its own: Jest
// cannot load Terminus 12, an ES module; Node can. test/docs/examples.e2e-spec.ts runs it.
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './terminus.module';

async function main(): Promise<void> {
  const app = await NestFactory.create(AppModule);
  app.enableShutdownHooks();
  await app.listen(process.env.PORT ?? 3000);
  new Logger('terminus').log(`listening on ${await app.getUrl()}`);
}
void main();
