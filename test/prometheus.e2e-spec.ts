import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { BlackHole } from './support/black-hole';
import { eventually } from './support/eventually';
import { databaseUrlOnPort, testDatabase } from './support/postgres';
import { freePort } from './support/redis-server';
import type { RunningService } from './support/service-process';
import { ServiceProcess } from './support/service-process';
import { WebhookReceiver } from './support/webhook-receiver';

/**
 * A real Prometheus server (Debian's `prometheus`, 2.42 here) scrapes the BUILT service every
 * second and evaluates ops/prometheus/health.rules.yml; then every PromQL expression of the
 * Grafana dashboard (ops/grafana/health-dashboard.json), its variables filled in as Grafana
 * would, is sent to Prometheus' query API and must return data.
 *
 * The service goes through a real story so that every panel has something to show: its database
 * (DATABASE_URL into a black hole) times out, then the black hole forwards to the real
 * PostgreSQL (TEST_DATABASE_URL) and it recovers; the two transitions go out as webhooks to a receiver that takes
 * them and to a port that refuses them (failed deliveries, which fire a real alert); the
 * configuration is changed once at runtime.
 */
const ROOT = join(__dirname, '..');
const RULES = join(ROOT, 'ops/prometheus/health.rules.yml');
const DASHBOARD = join(ROOT, 'ops/grafana/health-dashboard.json');
const PROMETHEUS = process.env.PROMETHEUS_BIN ?? 'prometheus';
const POSTGRES = testDatabase();
const JOB = 'api';
const SECRET = 'whsec-prometheus-e2e';
const ADMIN_KEY = 'admin-prometheus-e2e';

interface Sample {
  metric: Record<string, string>;
  value?: [number, string];
  values?: [number, string][];
}

interface Target {
  expr: string;
  refId: string;
}

interface Panel {
  type: string;
  title: string;
  targets?: Target[];
  panels?: Panel[];
}

interface Dashboard {
  panels: Panel[];
  templating: { list: { name: string; type: string; query: string | { query: string } }[] };
}

const cleanups: (() => Promise<void> | void)[] = [];
let service: RunningService;
let prometheus: { child: ChildProcess; url: string; output: () => string };
let receiver: WebhookReceiver;
let hole: BlackHole;
let startedAt: number;

beforeAll(async () => {
  receiver = await WebhookReceiver.start(SECRET);
  cleanups.push(() => receiver.stop());
  hole = await BlackHole.start();
  cleanups.push(() => hole.close());
  const refused = await freePort();
  startedAt = Date.now() / 1000;
  service = await startService({
    DATABASE_URL: databaseUrlOnPort(POSTGRES, hole.port),
    GEMINI_API_KEY: 'k-prometheus-e2e-1234',
    HEALTH_CHECK_DATABASE_TIMEOUT_MS: '300',
    HEALTH_EVALUATION_INTERVAL_MS: '500',
    HEALTH_STARTUP_GRACE_MS: '500',
    HEALTH_ADMIN_KEYS: ADMIN_KEY,
    HEALTH_WEBHOOK_URLS: `${receiver.url()},http://127.0.0.1:${refused}/hooks/health`,
    HEALTH_WEBHOOK_SECRET: SECRET,
    HEALTH_WEBHOOK_MIN_CONSECUTIVE: '1',
    HEALTH_WEBHOOK_COOLDOWN_MS: '0',
    HEALTH_WEBHOOK_MAX_ATTEMPTS: '1',
  });
  prometheus = await startPrometheus(new URL(service.url).host);
}, 60_000);

afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startService(env: Record<string, string>): Promise<RunningService> {
  const started = await ServiceProcess.start({ HEALTH_SHUTDOWN_DELAY_MS: '0', ...env });
  cleanups.push(() => started.kill());
  return started;
}

async function startPrometheus(target: string): Promise<typeof prometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'prometheus-e2e-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    stringify({
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      rule_files: [RULES],
      scrape_configs: [{ job_name: JOB, static_configs: [{ targets: [target] }] }],
    }),
  );
  const port = await freePort();
  const child = spawn(
    PROMETHEUS,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { cwd: dir },
  );
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (error) =>
      reject(new Error(`cannot run ${PROMETHEUS} (install Debian's prometheus): ${error.message}`)),
    ),
  );
  cleanups.push(() => stop(child));
  const output = collect(child);
  const url = `http://127.0.0.1:${port}`;
  const ready = eventually(
    async () => (await fetch(`${url}/-/ready`).catch(() => undefined))?.status === 200,
    { timeoutMs: 20_000, intervalMs: 200, message: () => `prometheus to get ready: ${output()}` },
  );
  await Promise.race([ready, spawnError]);
  return { child, url, output };
}

function collect(child: ChildProcess): () => string {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return () => output;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

async function api<T>(path: string, params: Record<string, string>): Promise<T> {
  const res = await fetch(`${prometheus.url}/api/v1/${path}?${new URLSearchParams(params)}`);
  const body = (await res.json()) as { status: string; data: T; error?: string };
  if (body.status !== 'success')
    throw new Error(`${path} ${JSON.stringify(params)}: ${body.error}`);
  return body.data;
}

async function query(expr: string): Promise<Sample[]> {
  return (await api<{ result: Sample[] }>('query', { query: expr })).result;
}

/** Waits until `expr` returns at least one sample, and returns them. */
function dataFor(expr: string, timeoutMs = 20_000): Promise<Sample[]> {
  return eventually(() => query(expr), {
    until: (samples) => samples.length > 0,
    timeoutMs,
    intervalMs: 200,
    message: () => `data for ${expr}; prometheus: ${prometheus.output()}`,
  });
}

function dashboard(): Dashboard {
  return JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Dashboard;
}

function panelsOf(panels: Panel[]): Panel[] {
  return panels.flatMap((panel) => [panel, ...panelsOf(panel.panels ?? [])]);
}

/** Grafana's variables as Grafana fills them in: this job, every instance, a 1 m rate window. */
function fill(expr: string): string {
  return expr
    .replaceAll('$__rate_interval', '1m')
    .replaceAll('$job', JOB)
    .replaceAll('$instance', '.+');
}

describe('the Grafana dashboard and the alert rules on a real Prometheus scraping the built service', () => {
  it('goes through an outage and a recovery that Prometheus records', async () => {
    await dataFor(`up{job="${JOB}"} == 1`);
    // The database times out at every evaluation: degraded, timeouts counted.
    await dataFor(
      'sum_over_time(health_component_status{component="database",state="degraded"}[1m]) >= 3',
    );
    await dataFor('health_check_timeouts_total{component="database"} > 0');

    // The fault ends: the black hole now leads to the real PostgreSQL, and a runtime change gives
    // the database check room (so a loaded machine cannot make it time out again).
    const patched = await fetch(`${service.url}/v1/health/config`, {
      method: 'PATCH',
      headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ checks: { database: { timeoutMs: 5000 } } }),
    });
    expect(patched.status).toBe(200);
    hole.forwardTo(POSTGRES.port);
    // Connections the black hole held are cut when it starts forwarding: a run may fail on one
    // (degraded -> unhealthy) before the next one recovers. What counts is the recovery.
    const recovered = (component: string | null) =>
      receiver.delivered().some((e) => e.component === component && e.current === 'healthy');
    await receiver.until(() => recovered('database') && recovered(null), 30_000);
    expect(
      receiver
        .delivered()
        .filter((e) => e.current === 'healthy')
        .map((e) => `${e.component}: ${e.previous} -> ${e.current}`),
    ).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^database: (degraded|unhealthy) -> healthy$/),
        expect.stringMatching(/^null: (degraded|unhealthy) -> healthy$/),
      ]),
    );
    await dataFor('health_overall_status{state="healthy"} == 1');
    await dataFor('health_webhook_deliveries_total{result="delivered"} >= 2');
    await dataFor('health_webhook_deliveries_total{result="failed"} >= 2');
    await dataFor('health_config_version >= 2');
    // A few more scrapes after the recovery.
    await dataFor('sum_over_time(health_overall_status{state="healthy"}[1m]) >= 3');
  }, 90_000);

  it('loads every alert rule, evaluates each without error, and fires one on real failures', async () => {
    const data = await api<{
      groups: { name: string; rules: { name: string; health: string; lastError?: string }[] }[];
    }>('rules', {});
    const rules = data.groups.flatMap((g) => g.rules);
    expect(rules.map((r) => r.name).sort()).toEqual([
      'HealthCacheMemoryFallback',
      'HealthCheckTimeoutsRising',
      'HealthCircuitBreakerNotClosed',
      'HealthComponentUnhealthy',
      'HealthConfigReloadFailing',
      'HealthOverallUnhealthy',
      'HealthReadinessFlapping',
      'HealthWebhookDeliveriesFailing',
    ]);
    for (const rule of rules) {
      expect({ rule: rule.name, health: rule.health, error: rule.lastError ?? '' }).toEqual({
        rule: rule.name,
        health: 'ok',
        error: '',
      });
    }
    // Two events refused by the second URL, given up after one attempt: the rule has no `for`.
    const firing = await dataFor(
      'ALERTS{alertname="HealthWebhookDeliveriesFailing",alertstate="firing"}',
    );
    expect(firing[0].metric).toMatchObject({ job: JOB, result: 'failed', severity: 'warning' });
  }, 30_000);

  it('answers every panel of the dashboard with data', async () => {
    const targets = panelsOf(dashboard().panels).flatMap((panel) =>
      (panel.targets ?? []).map((t) => ({
        panel: panel.title,
        refId: t.refId,
        expr: fill(t.expr),
      })),
    );
    expect(targets.length).toBeGreaterThanOrEqual(12);
    const empty: string[] = [];
    for (const target of targets) {
      expect(target.expr).not.toContain('$'); // every variable was filled in
      const result = await query(target.expr);
      if (result.length === 0) empty.push(`${target.panel} (${target.refId}): ${target.expr}`);
    }
    expect(empty).toEqual([]);
  }, 60_000);

  it('shows the story: database degraded then healthy, latency quantiles, timeouts, deliveries', async () => {
    const panels = panelsOf(dashboard().panels);
    const exprOf = (title: string, refId = 'A') =>
      fill(panels.find((p) => p.title === title)!.targets!.find((t) => t.refId === refId)!.expr);

    const range = await api<{ result: Sample[] }>('query_range', {
      query: exprOf('Component state'),
      start: String(startedAt),
      end: String(Date.now() / 1000),
      step: '1',
    });
    const states = (component: string) =>
      range.result.find((s) => s.metric.component === component)!.values!.map(([, v]) => v);
    const database = states('database');
    // 1 (degraded) first, 0 (healthy) at the end.
    expect(database).toContain('1');
    expect(database.indexOf('1')).toBeLessThan(database.lastIndexOf('0'));
    expect(database[database.length - 1]).toBe('0');
    expect(new Set(states('cache'))).toEqual(new Set(['0']));

    const p99 = await query(exprOf('Check duration p50 / p95 / p99', 'C'));
    const databaseP99 = Number(p99.find((s) => s.metric.component === 'database')!.value![1]);
    // The slow runs are the timed-out ones: 300 ms, or twice that with the default retry.
    expect(databaseP99).toBeGreaterThan(0.25);
    expect(databaseP99).toBeLessThanOrEqual(2.5);

    const timeouts = await query(exprOf('Check timeouts'));
    expect(
      Number(timeouts.find((s) => s.metric.component === 'database')!.value![1]),
    ).toBeGreaterThan(0);
    expect(Number(timeouts.find((s) => s.metric.component === 'cache')!.value![1])).toBe(0);

    const version = await query(exprOf('Configuration version'));
    expect(version.map((s) => s.value![1])).toEqual(['2']);

    const deliveries = await query('sum by (result) (health_webhook_deliveries_total)');
    const byResult = Object.fromEntries(
      deliveries.map((s) => [s.metric.result, Number(s.value![1])]),
    );
    // Each event reached the receiver and was refused by the other URL.
    expect(byResult.delivered).toBeGreaterThanOrEqual(2);
    expect(byResult.delivered).toBeLessThanOrEqual(receiver.delivered().length);
    expect(byResult.failed).toBeGreaterThanOrEqual(2);
    expect(byResult.dropped).toBe(0);
  }, 30_000);

  it('fills the dashboard variables from the label values Grafana would list', async () => {
    const variables = dashboard().templating.list.filter((v) => v.type === 'query');
    expect(variables.map((v) => v.name)).toEqual(['job', 'instance']);
    for (const variable of variables) {
      const text = typeof variable.query === 'string' ? variable.query : variable.query.query;
      // label_values(<selector>, <label>) is what Grafana asks /api/v1/series for.
      const match = /^label_values\((.+), (\w+)\)$/.exec(text);
      expect(match).not.toBeNull();
      const series = await api<Record<string, string>[]>('series', {
        'match[]': fill(match![1]),
        start: String(startedAt),
      });
      const values = [...new Set(series.map((s) => s[match![2]]))];
      expect(values).toEqual([variable.name === 'job' ? JOB : new URL(service.url).host]);
    }
  });
});
