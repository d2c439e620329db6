/** Runs once in Jest's main process: workers inherit a fixed zone, so timestamps are deterministic. */
export default function globalSetup(): void {
  process.env.TZ = 'UTC';
}
