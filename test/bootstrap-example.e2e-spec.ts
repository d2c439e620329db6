/**
 * The README's bootstrap snippet (issue 25, item 5) is an excerpt of docs/examples/bootstrap/main.ts.
 * This compiles that file as CommonJS (the repository's tsconfig settings, `module: commonjs`;
 * a top-level `await` would not compile), against the built package as an app resolves it
 * (node_modules/@nest-health/core), runs it with node, and checks what the snippet promises:
 * it boots and answers readiness; on SIGTERM readiness answers 503 while the app keeps serving
 * for the drain, then the process exits by itself with code 0.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningApp, StopResult } from './consumers/consumer-app';
import {
  compile,
  createWorkspace,
  ensureLibraryBuilt,
  get,
  killAll,
  poll,
  removeWorkspace,
  REPO_ROOT,
  startApp,
  stopApp,
  TYPE_ROOTS,
  writeFiles,
} from './consumers/consumer-app';
import { isExcerpt, tsBlocks } from './support/excerpt';

const EXAMPLE = 'docs/examples/bootstrap';

jest.setTimeout(30_000);

let workspace: string | undefined;
let app: RunningApp | undefined;
const savedNodePath = process.env.NODE_PATH;

beforeAll(async () => {
  await ensureLibraryBuilt();
  workspace = createWorkspace();
  const dir = join(workspace, 'bootstrap');
  writeFiles(dir, {
    'tsconfig.json': JSON.stringify({
      extends: join(REPO_ROOT, 'tsconfig.json'),
      compilerOptions: {
        module: 'commonjs',
        // No path mapping: '@nest-health/core' is the built package, as an app installs it.
        paths: {},
        types: ['node'],
        typeRoots: [TYPE_ROOTS],
        incremental: false,
        declaration: false,
        sourceMap: false,
        rootDir: join(REPO_ROOT, EXAMPLE),
        outDir: join(dir, 'dist'),
      },
      files: [join(REPO_ROOT, EXAMPLE, 'main.ts')],
      include: [],
    }),
  });
  await compile(dir);
  // The compiled app lives outside the repository: node finds its packages here.
  process.env.NODE_PATH = join(REPO_ROOT, 'node_modules');
  app = await startApp(dir);
}, 240_000);

afterAll(async () => {
  if (savedNodePath === undefined) delete process.env.NODE_PATH;
  else process.env.NODE_PATH = savedNodePath;
  try {
    await killAll(5000);
  } finally {
    removeWorkspace(workspace);
  }
}, 30_000);

function url(path: string): string {
  if (!app) throw new Error('the example is not running');
  return `${app.url.replace('[::1]', '127.0.0.1')}${path}`;
}

describe("the README's bootstrap", () => {
  it('is an excerpt of docs/examples/bootstrap/main.ts, in CommonJS form', () => {
    const source = readFileSync(join(REPO_ROOT, EXAMPLE, 'main.ts'), 'utf8');
    const blocks = tsBlocks('README.md').filter(({ path }) => path === `${EXAMPLE}/main.ts`);
    expect(blocks).toHaveLength(1);
    const [{ code }] = blocks;
    expect(isExcerpt(code, source)).toBe(true);
    expect(code).toContain('enableGracefulShutdown(app);');
    expect(code).toMatch(/async function bootstrap\(\)[\s\S]*\nvoid bootstrap\(\);/);
  });

  it('boots and answers readiness under the global prefix', async () => {
    const ready = await poll(url('/api/v1/health/ready'), (answer) => answer.status === 200);
    expect(ready.text.trim()).toBe('ok');
  });

  it('drains on SIGTERM: readiness 503 while it keeps serving, then exits with 0', async () => {
    const running = app!;
    const stopped: Promise<StopResult> = stopApp(running, 20_000);
    const draining = await poll(url('/api/v1/health/ready'), (answer) => answer.status === 503);
    expect(draining.text).toMatch(/drain/);
    expect((await get(url('/api/v1/health/live'))).status).toBe(200);
    const exit = await stopped;
    expect(exit).toEqual(expect.objectContaining({ code: 0, signal: null, killed: false }));
    expect(running.output()).toMatch(/SIGTERM received: draining for 5000 ms, then closing/);
    // It served until the delay was over, and no longer.
    expect(exit.ms).toBeGreaterThanOrEqual(5000);
  });
});
