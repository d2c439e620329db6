import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { DEFAULT_PORT } from '../apps/api/src/config/app.config';
import { eventually } from './support/eventually';
import type { RunningService } from './support/service-process';
import { ServiceProcess } from './support/service-process';

/**
 * The deployment kit: Kubernetes manifests (schemas, probes, ports, drain, the generated
 * PrometheusRule), the Dockerfile (its runtime layout and HEALTHCHECK, run without Docker: these
 * machines have no daemon) and docker-compose.yml, each checked against the BUILT service.
 */
const ROOT = join(__dirname, '..');
const K8S = join(ROOT, 'ops/kubernetes');

type Json = Record<string, unknown>;

interface Probe {
  httpGet: { path: string; port: number | string };
  [key: string]: unknown;
}

interface Container {
  name: string;
  ports: { name: string; containerPort: number }[];
  env: { name: string; value?: string; valueFrom?: Json }[];
  livenessProbe: Probe;
  readinessProbe: Probe;
  startupProbe: Probe;
}

interface Deployment {
  spec: {
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string> };
      spec: { terminationGracePeriodSeconds: number; containers: Container[] };
    };
  };
}

interface Service {
  metadata: { labels: Record<string, string> };
  spec: {
    selector: Record<string, string>;
    ports: { name: string; port: number; targetPort: string | number }[];
  };
}

interface ServiceMonitor {
  spec: {
    selector: { matchLabels: Record<string, string> };
    endpoints: { port: string; path: string }[];
  };
}

const cleanups: (() => Promise<void> | void)[] = [];

afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const yamlFile = <T>(path: string): T => parse(readFileSync(path, 'utf8')) as T;
const manifest = <T>(name: string): T => yamlFile<T>(join(K8S, name));

function container(): Container {
  return manifest<Deployment>('deployment.yaml').spec.template.spec.containers[0];
}

function envOf(c: Container): Record<string, string> {
  return Object.fromEntries(
    c.env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value!]),
  );
}

/** The image's layout runs outside the repository: its own main.js and working folder. */
async function startFrom(app: string, env: Record<string, string>): Promise<RunningService> {
  const running = await ServiceProcess.start(
    { ...env, PORT: '0' },
    { main: join(app, 'dist/apps/api/main.js'), cwd: app },
  );
  cleanups.push(() => running.kill());
  return running;
}

async function get(url: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url);
  return { status: res.status, text: await res.text() };
}

/** Asks `url` until it answers `status`, and returns that answer. */
async function answers(url: string, status: number, timeoutMs = 15_000) {
  return eventually(() => get(url), {
    until: (answer) => answer.status === status,
    timeoutMs,
    intervalMs: 100,
    message: `${url} to answer ${status}`,
  });
}

describe('Kubernetes manifests', () => {
  it('validate against the Kubernetes and Prometheus Operator API schemas, every file in the kustomization', () => {
    const kustomization = manifest<{ resources: string[] }>('kustomization.yaml');
    const files = readdirSync(K8S).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
    expect([...kustomization.resources].sort()).toEqual(files.sort());

    const run = spawnSync(process.execPath, [join(K8S, 'validate.mjs')], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim().split('\n')).toEqual([
      'ok ops/kubernetes/deployment.yaml Deployment/api: valid',
      'ok ops/kubernetes/service.yaml Service/api: valid',
      'ok ops/kubernetes/service-monitor.yaml ServiceMonitor/api: valid',
      'ok ops/kubernetes/prometheus-rule.yaml PrometheusRule/api-health: valid',
    ]);
    expect(run.status).toBe(0);
  });

  it('rejects a manifest that breaks the schema, naming the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8s-invalid-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const broken = readFileSync(join(K8S, 'deployment.yaml'), 'utf8').replace(
      'containerPort: 8000',
      'containerPort: eight-thousand',
    );
    writeFileSync(join(dir, 'deployment.yaml'), broken);
    const run = spawnSync(
      process.execPath,
      [join(K8S, 'validate.mjs'), join(dir, 'deployment.yaml')],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('containers/0/ports/0/containerPort must be integer');
  });

  it('generates the PrometheusRule from the rules file: the committed one is up to date, same groups', () => {
    const check = spawnSync(
      process.execPath,
      [join(ROOT, 'scripts/generate-prometheus-rule.mjs'), '--check'],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    expect(`${check.stdout}${check.stderr}`).toContain(
      'ops/kubernetes/prometheus-rule.yaml is up to date',
    );
    expect(check.status).toBe(0);
    const rule = manifest<{ spec: { groups: unknown } }>('prometheus-rule.yaml');
    const source = yamlFile<{ groups: unknown }>(join(ROOT, 'ops/prometheus/health.rules.yml'));
    expect(rule.spec.groups).toEqual(source.groups);
  });

  it('says when the PrometheusRule is stale', () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8s-stale-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const stale = join(dir, 'prometheus-rule.yaml');
    writeFileSync(
      stale,
      readFileSync(join(K8S, 'prometheus-rule.yaml'), 'utf8').replace('for: 5m', 'for: 1m'),
    );
    const check = spawnSync(
      process.execPath,
      [join(ROOT, 'scripts/generate-prometheus-rule.mjs'), `--check=${stale}`],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(check.status).toBe(1);
    expect(check.stderr).toContain(
      'is not up to date: run node scripts/generate-prometheus-rule.mjs',
    );
  });

  it('sets the probes exactly as docs/operator-endpoints.md recommends', () => {
    const docs = readFileSync(join(ROOT, 'docs/operator-endpoints.md'), 'utf8');
    const block = /### Recommended Kubernetes probe settings[\s\S]*?```yaml\n([\s\S]*?)```/.exec(
      docs,
    );
    expect(block).not.toBeNull();
    const recommended = parse(block![1]) as Json;
    const c = container();
    expect({
      livenessProbe: c.livenessProbe,
      readinessProbe: c.readinessProbe,
      startupProbe: c.startupProbe,
      terminationGracePeriodSeconds:
        manifest<Deployment>('deployment.yaml').spec.template.spec.terminationGracePeriodSeconds,
    }).toEqual(recommended);
  });

  it('gives the drain time to finish: grace period > shutdown delay + shutdown timeout', () => {
    const env = envOf(container());
    const grace =
      manifest<Deployment>('deployment.yaml').spec.template.spec.terminationGracePeriodSeconds;
    expect(Number(env.HEALTH_SHUTDOWN_DELAY_MS)).toBeGreaterThan(0);
    expect(grace * 1000).toBeGreaterThan(
      Number(env.HEALTH_SHUTDOWN_DELAY_MS) + Number(env.HEALTH_SHUTDOWN_TIMEOUT_MS),
    );
  });

  it('wires ports and labels: PORT, container port, probes, Service and ServiceMonitor agree', () => {
    const deployment = manifest<Deployment>('deployment.yaml');
    const c = container();
    const port = Number(envOf(c).PORT ?? DEFAULT_PORT);
    expect(c.ports).toEqual([{ name: 'http', containerPort: port }]);
    for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) {
      expect([port, 'http']).toContain(probe.httpGet.port);
    }
    const podLabels = deployment.spec.template.metadata.labels;
    expect(podLabels).toMatchObject(deployment.spec.selector.matchLabels);

    const service = manifest<Service>('service.yaml');
    expect(podLabels).toMatchObject(service.spec.selector);
    expect(service.spec.ports.map((p) => p.targetPort)).toEqual(['http']);

    const monitor = manifest<ServiceMonitor>('service-monitor.yaml');
    expect(service.metadata.labels).toMatchObject(monitor.spec.selector.matchLabels);
    expect(monitor.spec.endpoints.map((e) => e.port)).toEqual(
      service.spec.ports.map((p) => p.name),
    );
  });

  it("points every probe and the scrape at the built service's real routes, and drains on SIGTERM within the grace period", async () => {
    const c = container();
    const env = envOf(c);
    // The Deployment's own settings (5 s drain included), on a free port.
    const running = await ServiceProcess.start({
      ...env,
      GEMINI_API_KEY: 'k-ops-e2e-1234',
      PORT: '0',
    });
    cleanups.push(() => running.kill());
    const path = (p: Probe) => `${running.url}${p.httpGet.path}`;

    expect(await get(path(c.livenessProbe))).toEqual({ status: 200, text: 'ok\n' });
    await answers(path(c.startupProbe), 200);
    expect((await answers(path(c.readinessProbe), 200)).text).toBe('ok\n');
    const monitor = manifest<ServiceMonitor>('service-monitor.yaml');
    const scrape = await get(`${running.url}${monitor.spec.endpoints[0].path}`);
    expect(scrape.status).toBe(200);
    expect(scrape.text).toContain('health_overall_status{state="healthy"} 1');
    // A path that is not a route would be caught.
    expect((await get(`${running.url}/v1/health/liveness`)).status).toBe(404);

    // SIGTERM as Kubernetes sends it: not ready at once, still live, then a clean exit in time.
    const signalled = Date.now();
    running.signal('SIGTERM');
    await answers(path(c.readinessProbe), 503, 2000);
    expect((await get(path(c.livenessProbe))).status).toBe(200);
    const { code } = await running.exited();
    const graceMs =
      manifest<Deployment>('deployment.yaml').spec.template.spec.terminationGracePeriodSeconds *
      1000;
    expect(code).toBe(0);
    expect(Date.now() - signalled).toBeGreaterThanOrEqual(
      Number(env.HEALTH_SHUTDOWN_DELAY_MS) - 100,
    );
    expect(Date.now() - signalled).toBeLessThan(graceMs);
    expect(running.output()).toContain('draining for 5000 ms, then closing');
  }, 40_000);
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  /** Instructions, continuation lines joined, comments dropped. */
  const instructions = dockerfile
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .filter((line) => line.trim() && !line.trimStart().startsWith('#'));
  const stages = instructions
    .join('\n')
    .split(/^FROM /m)
    .slice(1);
  const finalStage = stages[stages.length - 1];
  const healthcheck = /^HEALTHCHECK (.*?)CMD (\[.*\])$/m.exec(finalStage);

  it('is multi-stage; the runtime stage has production dependencies only, no source, a non-root user', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^RUN npm ci --omit=dev /m);
    expect(finalStage).not.toMatch(/^RUN npm /m);
    expect(finalStage).not.toMatch(/^COPY (libs|apps|src) /m);
    const user = /^USER (\S+)$/m.exec(finalStage);
    expect(user?.[1]).toBeDefined();
    expect(['root', '0']).not.toContain(user![1]);
    expect(finalStage).toMatch(
      /^COPY --from=\S+ \/src\/dist\/libs\/health \.\/node_modules\/@nest-health\/core$/m,
    );
    expect(finalStage).toMatch(new RegExp(`^EXPOSE ${DEFAULT_PORT}$`, 'm'));
    expect(finalStage).toMatch(new RegExp(`^ENV .*PORT=${DEFAULT_PORT}`, 'm'));
  });

  it('has a HEALTHCHECK with the package CLI, its timeout above the CLI one', () => {
    expect(healthcheck).not.toBeNull();
    const command = JSON.parse(healthcheck![2]) as string[];
    expect(command.slice(0, 2)).toEqual([
      'node',
      'node_modules/@nest-health/core/cli/healthcheck.js',
    ]);
    const cliTimeout = Number(command[command.indexOf('--timeout') + 1]);
    const dockerTimeout = /--timeout=(\d+)s/.exec(healthcheck![1]);
    expect(Number(dockerTimeout![1]) * 1000).toBeGreaterThan(cliTimeout);
    expect(new URL(command[command.indexOf('--url') + 1]).pathname).toBe('/v1/health/ready');
  });

  it('runs from its runtime layout (production dependencies only) and passes its own HEALTHCHECK', async () => {
    // The layout of the last stage: node_modules from `npm ci --omit=dev`, the built package in
    // node_modules/@nest-health/core, the built service in dist/apps/api; nothing else.
    const app = mkdtempSync(join(tmpdir(), 'image-layout-'));
    cleanups.push(() => rmSync(app, { recursive: true, force: true }));
    // What `npm ci --omit=dev` installs: the lockfile's top-level packages not marked dev (`npm ls`
    // would also follow the build's link to the package and its optional peers, such as typeorm).
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean; link?: boolean }>;
    };
    const production = Object.entries(lock.packages)
      .filter(([path, entry]) => path.startsWith('node_modules/') && !entry.dev && !entry.link)
      .map(([path]) => path)
      .filter((path) => path.split('node_modules/').length === 2) // top level; nested come along
      .map((path) => join(...path.split('/')));
    expect(production).toEqual(expect.arrayContaining([join('node_modules', '@nestjs', 'core')]));
    for (const path of production) cpSync(join(ROOT, path), join(app, path), { recursive: true });
    cpSync(join(ROOT, 'dist/libs/health'), join(app, 'node_modules/@nest-health/core'), {
      recursive: true,
    });
    cpSync(join(ROOT, 'dist/apps/api'), join(app, 'dist/apps/api'), { recursive: true });
    // No dev dependency made it in.
    for (const dev of ['typescript', '@nestjs/testing', 'jest']) {
      expect(existsSync(join(app, 'node_modules', dev))).toBe(false);
    }

    const running = await startFrom(app, {
      NODE_ENV: 'production',
      HEALTH_SHUTDOWN_DELAY_MS: '0',
      GEMINI_API_KEY: 'k-ops-e2e-1234',
    });
    const port = new URL(running.url).port;
    const command = (JSON.parse(healthcheck![2]) as string[]).map((arg) =>
      arg.replace(`:${DEFAULT_PORT}/`, `:${port}/`),
    );
    expect(command[0]).toBe('node');
    const result = await eventually(
      () => spawnSync(process.execPath, command.slice(1), { cwd: app, encoding: 'utf8' }),
      { until: (run) => run.status === 0, timeoutMs: 15_000, intervalMs: 200 },
    );
    expect(result.stdout).toMatch(
      /^healthy: HTTP 200 from http:\/\/127\.0\.0\.1:\d+\/v1\/health\/ready in \d+ ms: ok\n$/,
    );
    expect(result.status).toBe(0);
  }, 60_000);
});

describe('docker-compose.yml', () => {
  interface Compose {
    services: Record<
      string,
      {
        build?: string;
        image?: string;
        ports?: string[];
        volumes?: string[];
        environment?: Record<string, string>;
      }
    >;
  }
  const compose = yamlFile<Compose>(join(ROOT, 'docker-compose.yml'));

  it('runs the service, Redis, PostgreSQL, Prometheus and Grafana, images pinned', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'api',
      'grafana',
      'postgres',
      'prometheus',
      'redis',
    ]);
    expect(compose.services.api.build).toBe('.');
    expect(compose.services.api.ports).toEqual([`${DEFAULT_PORT}:${DEFAULT_PORT}`]);
    for (const [name, service] of Object.entries(compose.services)) {
      if (name === 'api') continue;
      expect(service.image).toMatch(/^[\w./-]+:v?\d[\w.-]*$/); // a version, never latest
    }
    const env = compose.services.api.environment!;
    expect(new URL(env.REDIS_URL).hostname).toBe('redis');
    expect(new URL(env.DATABASE_URL).hostname).toBe('postgres');
  });

  it('mounts files that exist; Prometheus scrapes the api with the rules, Grafana reads the dashboard', () => {
    const mounts = Object.values(compose.services).flatMap((s) => s.volumes ?? []);
    for (const mount of mounts) expect(existsSync(join(ROOT, mount.split(':')[0]))).toBe(true);

    const config = yamlFile<{
      rule_files: string[];
      scrape_configs: { metrics_path: string; static_configs: { targets: string[] }[] }[];
    }>(join(ROOT, 'ops/prometheus/prometheus.yml'));
    expect(config.rule_files).toEqual(['health.rules.yml']);
    expect(config.scrape_configs[0].static_configs[0].targets).toEqual([`api:${DEFAULT_PORT}`]);
    expect(config.scrape_configs[0].metrics_path).toBe('/metrics');
    expect(compose.services.prometheus.volumes).toEqual(['./ops/prometheus:/etc/prometheus:ro']);

    const provider = yamlFile<{ providers: { options: { path: string } }[] }>(
      join(ROOT, 'ops/grafana/provisioning/dashboards/health.yml'),
    );
    const dashboardMount = compose.services.grafana.volumes!.find((v) =>
      v.includes('health-dashboard.json'),
    )!;
    expect(dashboardMount.split(':')[1]).toBe(
      `${provider.providers[0].options.path}/health-dashboard.json`,
    );
    const datasources = yamlFile<{ datasources: { url: string }[] }>(
      join(ROOT, 'ops/grafana/provisioning/datasources/prometheus.yml'),
    );
    expect(new URL(datasources.datasources[0].url).hostname).toBe('prometheus');
  });

  it('every YAML document of the kit parses', () => {
    const files = [
      'docker-compose.yml',
      ...readdirSync(K8S)
        .filter((f) => f.endsWith('.yaml'))
        .map((f) => `ops/kubernetes/${f}`),
    ];
    for (const file of files) {
      for (const document of parseAllDocuments(readFileSync(join(ROOT, file), 'utf8'))) {
        expect({ file, errors: document.errors.map((e) => e.message) }).toEqual({
          file,
          errors: [],
        });
      }
    }
  });
});
