import { stopTestPostgres, stopTestServers } from './global-setup';

/** Runs once after all tests, in Jest's main process: stops what the global setup started. */
export default async function globalTeardown(): Promise<void> {
  await stopTestPostgres();
  await stopTestServers();
}
