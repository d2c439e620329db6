import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Runs once in Jest's main process: workers inherit a fixed zone, so timestamps are
 * deterministic; and the package and the service are built once, before any test runs them
 * (`dist/libs/health`, linked as node_modules/@nest-health/core, and `dist/apps/api`).
 * `SKIP_BUILD=1` skips the build when it was just done (CI builds in a step of its own).
 */
export default function globalSetup(): void {
  process.env.TZ = 'UTC';
  if (process.env.SKIP_BUILD === '1') return;
  const root = join(__dirname, '..', '..');
  execFileSync(process.execPath, [join(root, 'scripts/build.mjs'), '--if-stale'], {
    cwd: root,
    stdio: 'pipe',
  });
}
