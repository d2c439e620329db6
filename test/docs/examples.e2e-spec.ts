// The runnable apps of docs/examples, run as the guides tell (ts-node with tsconfig-paths, from
// the repository's root), each in a process of its own on a port of the OS's choice: what their
// guides show of them is served.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { ServiceProcess } from '../support/service-process';
import { ServiceProcess as Service } from '../support/service-process';
import { eventually } from '../support/eventually';

const ROOT = join(__dirname, '../..');
const TS_NODE = '-r ts-node/register/transpile-only -r tsconfig-paths/register';

/** Runs a file of the repository as `npx ts-node --transpile-only -r tsconfig-paths/register`. */
async function run(
  path: string,
  env: Record<string, string> = {},
): Promise<{ app: ServiceProcess; url: string }> {
  const app = Service.launch(
    { NODE_OPTIONS: TS_NODE, NO_COLOR: '1', ...env },
    { main: join(ROOT, path) },
  );
  const line = await app.logged(/listening on http:\/\//, { timeoutMs: 60_000 });
  const url = /listening on (http:\/\/[\w.:[\]]+)/.exec(line)![1];
  return { app, url };
}

/** GETs a URL until the answer has `status` (the first evaluation runs after startup). */
function answer(url: string, status: number, headers: Record<string, string> = {}) {
  return eventually(
    async () => {
      const response = await fetch(url, { headers });
      return { status: response.status, body: await response.text(), headers: response.headers };
    },
    { until: (got) => got.status === status, timeoutMs: 10_000, message: `${url} to be ${status}` },
  );
}

/** SIGTERM ends it (where Nest's shutdown hooks are on, they close the app first). */
async function stops(app: ServiceProcess): Promise<void> {
  const exit = await app.stop();
  expect(exit.signal ?? exit.code).toBe('SIGTERM');
}

jest.setTimeout(90_000);
afterEach(() => Service.killAll());

describe('docs/examples/install-in-your-app.ts (README: Install in your app)', () => {
  it('serves the orders, the report, readiness and metrics under the global prefix', async () => {
    const { app, url } = await run('docs/examples/install-in-your-app.ts');
    const checkout = await answer(`${url}/api/orders/checkout`, 200);
    expect(JSON.parse(checkout.body)).toEqual({ accepted: true });
    const report = JSON.parse((await answer(`${url}/api/v1/health/components`, 200)).body);
    expect(report).toMatchObject({
      overall_status: 'healthy',
      components: [{ name: 'payments', status: 'healthy' }],
    });
    expect((await answer(`${url}/api/v1/health/ready`, 200)).body).toBe('ok\n');
    const metrics = (await answer(`${url}/api/metrics`, 200)).body;
    expect(metrics).toContain('health_component_status{component="payments",state="healthy"} 1');
    // enableGracefulShutdown, as the README's bootstrap: SIGTERM makes readiness 503 at once,
    // then the app drains (shutdownDelayMs, 5 s) and exits by itself with code 0.
    const exit = app.stop();
    await answer(`${url}/api/v1/health/ready`, 503);
    expect(await exit).toMatchObject({ code: 0 });
  });
});

describe('docs/examples/minimal-app.ts (docs/health-module.md)', () => {
  it('reports its heap check', async () => {
    const { app, url } = await run('docs/examples/minimal-app.ts');
    const report = JSON.parse((await answer(`${url}/report`, 200)).body);
    expect(report).toMatchObject({
      components: [{ name: 'heap', message: expect.stringMatching(/^heap [\d.]+% of limit$/) }],
    });
    await stops(app);
  });
});

describe('docs/examples/metrics-and-openapi.ts (docs/metrics.md, docs/openapi.md)', () => {
  it('counts cache operations, shows the breaker, keeps /metrics behind the token', async () => {
    const token = 'a'.repeat(32);
    const { app, url } = await run('docs/examples/metrics-and-openapi.ts', {
      HEALTH_METRICS_TOKEN: token,
    });
    expect(JSON.parse((await answer(`${url}/prices/a1`, 200)).body)).toEqual({
      sku: 'a1',
      price: '9.99',
    });
    await answer(`${url}/prices/a1`, 200); // a hit this time
    await answer(`${url}/metrics`, 401);
    const metrics = (await answer(`${url}/metrics`, 200, { Authorization: `Bearer ${token}` }))
      .body;
    expect(metrics).toContain('cache_hits_total{tier="memory"} 1');
    expect(metrics).toContain('cache_misses_total{tier="memory"} 1');
    expect(metrics).toContain('circuit_breaker_state{breaker="pricing_api",state="closed"} 1');
    expect(metrics).toContain('process_cpu_user_seconds_total');
    const document = JSON.parse((await answer(`${url}/docs-json`, 200)).body);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/prices/{sku}', '/v1/health/ready', '/metrics']),
    );
    await stops(app);
  });
});

describe('docs/examples/graceful-shutdown.ts (docs/operator-endpoints.md)', () => {
  it('on SIGTERM, stops being ready, keeps serving for the delay, then exits with code 0', async () => {
    const { app, url } = await run('docs/examples/graceful-shutdown.ts', {
      HEALTH_SHUTDOWN_DELAY_MS: '1500',
    });
    expect((await answer(`${url}/v1/health/ready`, 200)).body).toBe('ok\n');
    app.signal('SIGTERM');
    await answer(`${url}/v1/health/ready`, 503);
    expect((await answer(`${url}/v1/health/live`, 200)).body).toBe('ok\n');
    await app.logged('closing');
    expect(await app.exited()).toMatchObject({ code: 0, signal: null });
  });
});

describe('docs/examples/metrics/main.ts with docs/examples/metrics/app.module.ts (docs/metrics.md)', () => {
  it('serves the report and the metrics, the process metrics too', async () => {
    const { app, url } = await run('docs/examples/metrics/main.ts');
    const report = JSON.parse((await answer(`${url}/v1/health/components`, 200)).body);
    expect(report).toMatchObject({ components: [{ name: 'payments', status: 'healthy' }] });
    const metrics = (await answer(`${url}/metrics`, 200)).body;
    expect(metrics).toContain('health_component_status{component="payments",state="healthy"} 1');
    expect(metrics).toContain('process_cpu_user_seconds_total');
    await stops(app);
  });
});

describe('docs/examples/openapi/main.ts (docs/openapi.md: in your own app)', () => {
  it('describes the health routes and the metrics in the document', async () => {
    const { app, url } = await run('docs/examples/openapi/main.ts');
    const document = JSON.parse((await answer(`${url}/docs-json`, 200)).body);
    expect(document.info).toMatchObject({ title: 'My API', version: '1.0.0' });
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/v1/health/components', '/v1/health/ready', '/metrics']),
    );
    await answer(`${url}/docs`, 200);
    await stops(app);
  });
});

describe('docs/examples/indicators/terminus.main.ts with docs/examples/indicators/terminus.module.ts', () => {
  it("runs Terminus's memory and HTTP indicators, served in Terminus's format", async () => {
    const docs = createServer((_req, res) => res.writeHead(200).end('docs'));
    await new Promise<void>((resolve) => docs.listen(0, '127.0.0.1', resolve));
    const DOCS_URL = `http://127.0.0.1:${(docs.address() as AddressInfo).port}`;
    try {
      const { app, url } = await run('docs/examples/indicators/terminus.main.ts', { DOCS_URL });
      const body = JSON.parse((await answer(`${url}/v1/health/terminus`, 200)).body);
      expect(body).toMatchObject({
        status: 'ok',
        info: { heap: { status: 'up' }, docs: { status: 'up' } },
      });
      await stops(app);
    } finally {
      docs.close();
    }
  });
});
