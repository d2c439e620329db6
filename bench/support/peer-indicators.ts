import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ProvidedServer } from '../../test/support/brokers';
import { provideServer } from '../../test/support/brokers';
import { startFakeMongod } from '../../test/support/fake-mongod';

/** What the benchmark needs of an indicator of the built package. */
interface Indicator {
  readonly name: string;
  check(signal: AbortSignal): Promise<{ status: string }>;
  onModuleDestroy(): Promise<void>;
}

type Factory = (url: string) => Indicator;

/**
 * The indicators on sub-path entries with a peer (`mysql`, `amqp`, `nats`, `mqtt`, `mongodb`),
 * each against its server: the machine's MariaDB, RabbitMQ, NATS and Mosquitto (the tests'
 * `TEST_*_URL` overrides win; without NATS or Mosquitto, a broker of its own, as the tests do;
 * without MariaDB or RabbitMQ, one line saying what to install), and for `mongodb`, which no server here can play, the tests'
 * stand-in (test/support/fake-mongod.ts) in this same process. Measured in the benchmark's own
 * process from the built package, as the service would load it; idle only.
 */
export const PEER_INDICATORS = ['mysql', 'amqp', 'nats', 'mqtt', 'mongodb'] as const;

export interface PeerSamples {
  name: string;
  samples: number[];
  statuses: Record<string, number>;
}

/** `check()` `runs` times in a row (after `warmup`), an AbortSignal each, as the engine does. */
export async function measurePeerIndicators(
  apiDir: string,
  runs: number,
  warmup: number,
): Promise<PeerSamples[]> {
  const load = createRequire(join(apiDir, 'main.js'));
  const entry = (path: string) => load(`@nest-health/core/${path}`) as Record<string, Factory>;
  const servers: ProvidedServer[] = [];
  for (const kind of ['mysql', 'amqp', 'nats', 'mqtt'] as const) {
    servers.push(await provideServer(kind));
  }
  const [mysql, amqp, nats, mqtt] = servers.map((server) => server.url);
  const fake = await startFakeMongod();
  const made: [string, Indicator][] = [
    ['mysql', entry('mysql').createMysqlIndicator(mysql)],
    ['amqp', entry('amqp').createAmqpIndicator(amqp)],
    ['nats', entry('nats').createNatsIndicator(nats)],
    ['mqtt', entry('mqtt').createMqttIndicator(mqtt)],
    ['mongodb', entry('mongodb').createMongodbIndicator(fake.url)],
  ];
  const results: PeerSamples[] = [];
  try {
    for (const [name, indicator] of made) {
      const first = await indicator.check(new AbortController().signal).catch((e: Error) => e);
      if (first instanceof Error) {
        throw new Error(`bench: the ${name} indicator needs its server: ${first.message}`);
      }
      await timed(indicator, warmup);
      results.push({ name, ...(await timed(indicator, runs)) });
    }
  } finally {
    for (const [, indicator] of made) await indicator.onModuleDestroy();
    await fake.close();
    for (const server of servers) await server.stop();
  }
  return results;
}

async function timed(indicator: Indicator, runs: number) {
  const samples: number[] = [];
  const statuses: Record<string, number> = {};
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    const result = await indicator.check(new AbortController().signal).then(
      (r) => r.status,
      () => 'unhealthy',
    );
    samples.push(performance.now() - started);
    statuses[result] = (statuses[result] ?? 0) + 1;
  }
  return { samples, statuses };
}
