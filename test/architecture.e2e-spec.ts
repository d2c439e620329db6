import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '..');
const run = promisify(execFile);

/** Runs a command from the repository root; resolves its exit code and output either way. */
async function command(file: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  try {
    const { stdout, stderr } = await run(file, args, {
      cwd: ROOT,
      env: { ...process.env, ...env },
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

const depcruise = join(ROOT, 'node_modules/.bin/depcruise');

/** What CI holds beside the tests: the architecture rules and the API report. */
describe('the architecture rules (npm run arch)', () => {
  it('hold for the package and apps/api', async () => {
    const { code, output } = await command(depcruise, [
      'libs/health/src',
      'apps/api/src',
      '--config',
      '.dependency-cruiser.cjs',
    ]);
    expect(output).toContain('no dependency violations found');
    expect(code).toBe(0);
  }, 60000);

  it('catch each kind of violation, naming the rule and the import', async () => {
    const fixture = 'test/fixtures/architecture';
    const { code, output } = await command(depcruise, [
      fixture,
      '--config',
      `${fixture}/dependency-cruiser.cjs`,
      '--output-type',
      'err',
    ]);
    expect(code).not.toBe(0);
    const src = `${fixture}/src`;
    for (const [rule, from, to] of [
      ['shared-is-the-ground-floor', 'shared/ground.ts', 'core/engine.ts'],
      ['core-imports-only-shared', 'core/engine.ts', 'http/route.ts'],
      ['parts-do-not-import-each-other', 'http/route.ts', 'metrics/gauge.ts'],
      ['indicators-and-formats-stand-on-core', 'indicators/x/probe.ts', 'http/route.ts'],
      ['nothing-imports-the-root', 'metrics/gauge.ts', 'index.ts'],
    ]) {
      expect(output).toContain(`error ${rule}: ${src}/${from} → ${src}/${to}`);
    }
    expect(output).toMatch(/error no-circular: .*metrics\/counter\.ts →/);
    expect(output).toContain(
      `error apps-use-the-package: ${fixture}/apps/host.ts → ${src}/core/engine.ts`,
    );
    // An app importing an entry is no violation.
    expect(output).not.toContain(`${fixture}/apps/host.ts → ${src}/index.ts`);
  }, 60000);
});

describe('the API report (npm run api:check)', () => {
  let reports: string;
  beforeEach(() => {
    reports = mkdtempSync(join(tmpdir(), 'api-reports-'));
    cpSync(join(ROOT, 'libs/health/api'), reports, { recursive: true });
  });
  afterEach(() => rmSync(reports, { recursive: true, force: true }));

  const check = () =>
    command(process.execPath, ['scripts/api-report.mjs', '--check'], { API_REPORTS_DIR: reports });

  it('matches the built package as committed, within the surface rules', async () => {
    const { code, output } = await check();
    expect(output).toMatch(/api-report: \d+ entries, \d+ names, as committed/);
    expect(code).toBe(0);
  }, 60000);

  it('fails when the public API differs from a committed report, naming the entry', async () => {
    const file = join(reports, 'metrics.api.md');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(/^## HealthMetricsModule/m, '## Renamed'),
    );
    const { code, output } = await check();
    expect(code).not.toBe(0);
    expect(output).toContain('metrics.api.md differs from the built package');
    expect(output).toContain('run npm run api:report');
  }, 60000);

  it('fails when an entry has no committed report', async () => {
    rmSync(join(reports, 'gemini.api.md'));
    const { code, output } = await check();
    expect(code).not.toBe(0);
    expect(output).toContain('gemini.api.md is not committed');
  }, 60000);
});
