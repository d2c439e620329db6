// The Kafka recipe of docs/indicators/recipes.md, run by test/indicator-docs.e2e-spec.ts.
import { DatabaseIndicator } from '@nest-health/core';
import { Kafka, logLevel } from 'kafkajs';

/** An admin client of its own asks the cluster for its brokers and controller. */
export function kafkaIndicator(brokers: string[], name = 'kafka'): DatabaseIndicator {
  const kafka = new Kafka({
    clientId: 'nest-health',
    brokers,
    connectionTimeout: 1000,
    requestTimeout: 2000,
    retry: { retries: 0 }, // the engine retries; kafkajs's own retries would outlast the timeout
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  return new DatabaseIndicator({
    name,
    driver: 'kafka',
    ping: async () => {
      await admin.connect();
      const { brokers: live } = await admin.describeCluster();
      if (live.length === 0) throw new Error('no broker in the cluster');
    },
    close: () => admin.disconnect(),
  });
}
