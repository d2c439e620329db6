import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * The alert rules (ops/prometheus/health.rules.yml) through promtool: syntax and PromQL
 * (`check rules`), their unit tests, input series -> expected alerts (`test rules`), and the
 * compose Prometheus configuration that loads them (`check config`). CI fails when any fails;
 * a broken copy shows that they can.
 */
const ROOT = join(__dirname, '..');
const DIR = join(ROOT, 'ops/prometheus');
const RULES = join(DIR, 'health.rules.yml');
const TESTS = join(DIR, 'health.rules.test.yml');
const PROMTOOL = process.env.PROMTOOL_BIN ?? 'promtool';

interface RuleFile {
  groups: { name: string; rules: { alert: string; expr: string; for?: string }[] }[];
}

interface RuleTests {
  rule_files: string[];
  tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[];
}

function promtool(...args: string[]): { status: number | null; output: string } {
  const run = spawnSync(PROMTOOL, args, { cwd: DIR, encoding: 'utf8', timeout: 60_000 });
  if (run.error)
    throw new Error(`cannot run ${PROMTOOL} (install Debian's prometheus): ${run.error.message}`);
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

const rules = () => parse(readFileSync(RULES, 'utf8')) as RuleFile;
const alerts = () => rules().groups.flatMap((g) => g.rules);

describe('alert rules under promtool', () => {
  let scratch: string;

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'rules-test-'));
  });

  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('checks the rules', () => {
    const result = promtool('check', 'rules', RULES);
    expect(result).toEqual({
      status: 0,
      output: expect.stringContaining(`SUCCESS: ${alerts().length} rules found`),
    });
  });

  it('passes the unit tests', () => {
    const result = promtool('test', 'rules', TESTS);
    expect(result.output).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  it('checks the compose configuration that loads them', () => {
    const result = promtool('check', 'config', join(DIR, 'prometheus.yml'));
    expect(result.output).toContain('SUCCESS: 1 rule files found');
    expect(result.status).toBe(0);
  });

  it('has a test that fires every alert, and tests every rule file', () => {
    const tests = parse(readFileSync(TESTS, 'utf8')) as RuleTests;
    expect(tests.rule_files).toEqual(['health.rules.yml']);
    const fired = new Set(
      tests.tests
        .flatMap((t) => t.alert_rule_test ?? [])
        .filter((t) => t.exp_alerts.length > 0)
        .map((t) => t.alertname),
    );
    expect([...fired].sort()).toEqual(
      alerts()
        .map((a) => a.alert)
        .sort(),
    );
  });

  it('fails the unit tests when a rule changes (a shorter `for`)', () => {
    const changed = readFileSync(RULES, 'utf8').replace('for: 5m', 'for: 1m');
    expect(changed).not.toBe(readFileSync(RULES, 'utf8'));
    writeFileSync(join(scratch, 'health.rules.yml'), changed);
    copyFileSync(TESTS, join(scratch, 'health.rules.test.yml'));
    const result = promtool('test', 'rules', join(scratch, 'health.rules.test.yml'));
    expect(result.status).toBe(1);
    expect(result.output).toContain('alertname: HealthComponentUnhealthy');
  });

  it('fails the check on broken PromQL', () => {
    const broken = readFileSync(RULES, 'utf8').replace(
      'health_overall_status{state="unhealthy"} == 1',
      'health_overall_status{state="unhealthy" == 1',
    );
    writeFileSync(join(scratch, 'broken.rules.yml'), broken);
    const result = promtool('check', 'rules', join(scratch, 'broken.rules.yml'));
    expect(result.status).toBe(1);
    expect(result.output).toMatch(/FAILED|error/i);
  });
});
