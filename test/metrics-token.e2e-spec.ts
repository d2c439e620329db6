import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { eventually } from './support/eventually';
import { freePort } from './support/redis-server';
import type { RunningService } from './support/service-process';
import { ServiceProcess } from './support/service-process';

/**
 * `HEALTH_METRICS_TOKEN` on the BUILT service (as `npm start` runs it): 401 without the token,
 * the metrics with it, and a real Prometheus scraping with the `authorization` block that
 * docs/metrics.md gives, read from the doc itself.
 */
const ROOT = join(__dirname, '..');
const PROMETHEUS = process.env.PROMETHEUS_BIN ?? 'prometheus';
const TOKEN = 'e2e-metrics-token-4f1c9a7b2d6e8f03';
const OLD_TOKEN = 'e2e-previous-token-77aa1b2c3d4e5f60';

const cleanups: (() => Promise<void> | void)[] = [];

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function start(env: Record<string, string>): Promise<RunningService> {
  const service = await ServiceProcess.start({ HEALTH_SHUTDOWN_DELAY_MS: '0', ...env });
  cleanups.push(() => service.kill());
  return service;
}

const metrics = (service: RunningService, authorization?: string) =>
  fetch(`${service.url}/metrics`, {
    headers: authorization === undefined ? {} : { authorization },
  });

describe('GET /metrics behind HEALTH_METRICS_TOKEN (the built service)', () => {
  let service: RunningService;

  beforeAll(async () => {
    service = await start({ HEALTH_METRICS_TOKEN: `${TOKEN},${OLD_TOKEN}` });
  }, 60_000);

  it('answers 401 with nothing revealed without a valid token', async () => {
    for (const authorization of [
      undefined,
      'Bearer ',
      'Bearer not-the-token-0123456789abcdef',
      `Bearer ${TOKEN.toUpperCase()}`,
      `Basic ${Buffer.from(`prometheus:${TOKEN}`).toString('base64')}`,
    ]) {
      const res = await metrics(service, authorization);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      const body = await res.text();
      expect(JSON.parse(body)).toEqual({ message: 'Unauthorized', statusCode: 401 });
      expect(body).not.toMatch(/health_|cache_|circuit_breaker_|process_/);
    }
  });

  it('serves every series to a scrape with the token, either token while rotating', async () => {
    for (const token of [TOKEN, OLD_TOKEN]) {
      const res = await metrics(service, `Bearer ${token}`);
      expect(res.status).toBe(200);
      const text = await res.text();
      for (const name of [
        'health_component_status',
        'cache_hits_total',
        'cache_memory_fallback_active',
        'circuit_breaker_state',
        'process_cpu_user_seconds_total',
      ]) {
        expect(text).toContain(`# TYPE ${name} `);
      }
      expect(text).not.toContain(token);
    }
  });

  it('leaves the health endpoints as they were', async () => {
    expect((await fetch(`${service.url}/v1/health`)).status).toBe(200);
    expect((await fetch(`${service.url}/v1/health/live`)).status).toBe(200);
  });

  it('never writes the token to its output', () => {
    expect(service.output()).toContain('api listening on');
    expect(service.output()).not.toContain(TOKEN);
    expect(service.output()).not.toContain(OLD_TOKEN);
  });

  it('is scraped by a real Prometheus with the configuration of docs/metrics.md', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'prometheus-token-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const documented = documentedScrapeConfig();
    expect(documented.authorization).toEqual({
      type: 'Bearer',
      credentials_file: expect.any(String),
    });
    const target = new URL(service.url).host;
    const job = (name: string, tokenFile: string) => ({
      ...documented,
      job_name: name,
      scrape_interval: '1s',
      authorization: { ...documented.authorization, credentials_file: tokenFile },
      static_configs: [{ targets: [target] }],
    });
    writeFileSync(join(dir, 'token'), `${TOKEN}\n`);
    writeFileSync(join(dir, 'wrong-token'), 'a-wrong-token-0123456789abcdef\n');
    writeFileSync(
      join(dir, 'prometheus.yml'),
      stringify({
        global: { scrape_interval: '1s' },
        scrape_configs: [
          job('api', join(dir, 'token')),
          job('api-wrong-token', join(dir, 'wrong-token')),
          {
            job_name: 'api-no-token',
            scrape_interval: '1s',
            static_configs: [{ targets: [target] }],
          },
        ],
      }),
    );
    const prometheus = await startPrometheus(dir);
    const health = async (job: string) => {
      const targets = await api<{
        activeTargets: { labels: { job: string }; health: string; lastError: string }[];
      }>(prometheus, 'targets', {});
      return targets.activeTargets.find((t) => t.labels.job === job);
    };
    for (const [job, state] of [
      ['api', 'up'],
      ['api-wrong-token', 'down'],
      ['api-no-token', 'down'],
    ]) {
      await eventually(() => health(job), {
        until: (target) => target?.health === state,
        timeoutMs: 30_000,
        intervalMs: 200,
        message: () => `the ${job} target to be ${state}; prometheus: ${prometheus.output()}`,
      });
    }
    expect((await health('api-wrong-token'))?.lastError).toContain('401');
    expect((await health('api-no-token'))?.lastError).toContain('401');
    // The scraped series are in Prometheus, from the job with the token only.
    const result = await api<{ result: { metric: Record<string, string> }[] }>(
      prometheus,
      'query',
      {
        query: 'circuit_breaker_state{state="closed"} == 1',
      },
    );
    // One breaker per operation (issue 27).
    expect(result.result.map((r) => [r.metric.job, r.metric.breaker]).sort()).toEqual([
      ['api', 'analyze_sentiment'],
      ['api', 'answer_question'],
      ['api', 'extract_key_points'],
      ['api', 'generate_questions'],
      ['api', 'summarize_text'],
    ]);
    const fallback = await api<{ result: { value: [number, string] }[] }>(prometheus, 'query', {
      query: 'cache_memory_fallback_active{job="api"}',
    });
    expect(fallback.result.map((r) => r.value[1])).toEqual(['0']);
  }, 90_000);
});

describe('a bad HEALTH_METRICS_TOKEN', () => {
  it.each([
    ['too short', 'short-Secret-1'],
    ['with a space', 'has a space-Secret-0123456789'],
  ])(
    'stops the service before Nest starts (%s), naming the variable and never the value',
    async (_, value) => {
      const { code, output } = await ServiceProcess.startupFailure({ HEALTH_METRICS_TOKEN: value });
      expect(code).toBe(1);
      expect(output.trim()).toBe(
        'Invalid setting HEALTH_METRICS_TOKEN: "***" (expected a secret of at least 16 characters: letters, digits, - . _ ~ + / (then optional =))',
      );
      expect(output).not.toContain('Secret');
    },
    30_000,
  );
});

/** The scrape job of the `authorization` example in docs/metrics.md. */
function documentedScrapeConfig(): Record<string, unknown> & {
  authorization: Record<string, string>;
} {
  const doc = readFileSync(join(ROOT, 'docs/metrics.md'), 'utf8');
  const blocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);
  const block = blocks.find((b) => b.includes('authorization:'));
  if (!block) throw new Error('docs/metrics.md has no scrape configuration with authorization');
  const config = parse(block) as {
    scrape_configs: (Record<string, unknown> & { authorization: Record<string, string> })[];
  };
  return config.scrape_configs[0];
}

interface Prometheus {
  url: string;
  output: () => string;
}

async function startPrometheus(dir: string): Promise<Prometheus> {
  const port = await freePort();
  const child = spawn(
    PROMETHEUS,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { cwd: dir },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const failed = new Promise<never>((_, reject) =>
    child.once('error', (error) =>
      reject(new Error(`cannot run ${PROMETHEUS} (install Debian's prometheus): ${error.message}`)),
    ),
  );
  cleanups.push(() => stop(child));
  const prometheus = { url: `http://127.0.0.1:${port}`, output: () => output };
  const ready = eventually(
    async () => (await fetch(`${prometheus.url}/-/ready`).catch(() => undefined))?.status === 200,
    { timeoutMs: 30_000, intervalMs: 200, message: () => `prometheus to get ready: ${output}` },
  );
  await Promise.race([ready, failed]);
  return prometheus;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

async function api<T>(
  prometheus: Prometheus,
  path: string,
  params: Record<string, string>,
): Promise<T> {
  const res = await fetch(`${prometheus.url}/api/v1/${path}?${new URLSearchParams(params)}`);
  const body = (await res.json()) as { status: string; data: T; error?: string };
  if (body.status !== 'success') throw new Error(`${path}: ${body.error}`);
  return body.data;
}
