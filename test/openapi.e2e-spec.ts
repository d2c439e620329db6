import type { INestApplication, RequestMethod, Type } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Response } from 'supertest';
import request from 'supertest';
import { apiDocument } from '../apps/api/src/docs/api-docs';
import { createApiApp } from './support/api-app';
import { LEGACY_KEYS } from './support/legacy';
import type { RunningService } from './support/service-process';
import { ServiceProcess } from './support/service-process';

/**
 * The OpenAPI description of every health route, as `apps/api` builds it (`documentHealthEndpoints`
 * from `@nest-health/core/openapi`, then `SwaggerModule.createDocument`): validated by
 * @seriousme/openapi-schema-validator, checked route by route against the routes Nest serves, and
 * checked against real answers of the service; the built service serves it at /docs-json.
 */
const ROOT = join(__dirname, '..');
const ADMIN_KEY = 'admin-key-openapi-e2e-0123456789';
const METRICS_TOKEN = 'metrics-token-openapi-e2e-0123456789';
const LIBRARY_MODULES = [
  'HealthModule',
  'HealthConfigModule',
  'HealthMetricsModule',
  'HealthTerminusModule',
];
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const;

type Schema = Record<string, unknown>;
interface Operation {
  operationId: string;
  summary?: string;
  tags?: string[];
  parameters?: { name: string; in: string; required?: boolean; schema?: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: Schema }> }>;
}

/** Runs the validator (an ES module) in a child process: Jest's CommonJS cannot import it. */
async function validateDocument(
  document: unknown,
): Promise<{ valid: boolean; version: string; errors?: unknown }> {
  const script = `
    import { Validator } from '@seriousme/openapi-schema-validator';
    let input = '';
    for await (const chunk of process.stdin) input += chunk;
    const validator = new Validator();
    const result = await validator.validate(JSON.parse(input));
    console.log(JSON.stringify({ valid: result.valid, version: validator.version, errors: result.errors }));
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  child.stdin.end(JSON.stringify(document));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`validator failed (${code}): ${err}`);
  return JSON.parse(out) as { valid: boolean; version: string; errors?: unknown };
}

/** Every operation of the document, by path and method. */
function operationsOf(document: OpenAPIObject): Map<string, Operation> {
  const found = new Map<string, Operation>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = (item as Record<string, Operation | undefined>)[method];
      if (operation) found.set(`${method.toUpperCase()} ${path}`, operation);
    }
  }
  return found;
}

/** The library's routes the app serves, from Nest's own metadata: `Controller_handler`. */
function libraryRoutes(app: INestApplication): string[] {
  const ids: string[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    if (!LIBRARY_MODULES.includes(module.metatype?.name)) continue;
    for (const { metatype } of module.controllers.values()) {
      const type = metatype as Type;
      for (const key of handlerNames(type.prototype as object)) {
        const handler = (type.prototype as Record<string, unknown>)[key];
        if (key === 'constructor' || typeof handler !== 'function') continue;
        if ((Reflect.getMetadata('method', handler) as RequestMethod | undefined) !== undefined) {
          ids.push(`${type.name}_${key}`);
        }
      }
    }
  }
  return ids;
}

/** Property names of a prototype and of those it inherits from (`class X extends XRoutes {}`). */
function handlerNames(prototype: object): string[] {
  const names = new Set<string>();
  for (let p = prototype; p && p !== Object.prototype; p = Object.getPrototypeOf(p) as object) {
    for (const name of Object.getOwnPropertyNames(p)) names.add(name);
  }
  return [...names];
}

/**
 * Where `value` breaks `schema` (OpenAPI 3.0 schema objects: the keywords this document uses),
 * `[]` when it conforms.
 */
function violations(value: unknown, schema: Schema, document: OpenAPIObject, at = '$'): string[] {
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.replace('#/components/schemas/', '');
    const target = document.components?.schemas?.[name] as Schema | undefined;
    if (!target) return [`${at}: unknown schema ${schema.$ref}`];
    return violations(value, target, document, at);
  }
  if (value === null) return schema.nullable === true ? [] : [`${at}: null is not allowed`];
  const problems: string[] = [];
  if (Array.isArray(schema.allOf)) {
    for (const part of schema.allOf as Schema[])
      problems.push(...violations(value, part, document, at));
  }
  if (Array.isArray(schema.oneOf)) {
    const matching = (schema.oneOf as Schema[]).filter(
      (s) => violations(value, s, document, at).length === 0,
    );
    if (matching.length !== 1) problems.push(`${at}: matches ${matching.length} of oneOf`);
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) {
    problems.push(`${at}: ${JSON.stringify(value)} not in ${JSON.stringify(schema.enum)}`);
  }
  const type = schema.type as string | undefined;
  const actual = Array.isArray(value) ? 'array' : typeof value;
  if (type === 'integer' ? !Number.isInteger(value) : type !== undefined && type !== actual) {
    return [...problems, `${at}: ${JSON.stringify(value)} is not ${type}`];
  }
  if (
    typeof value === 'string' &&
    typeof schema.pattern === 'string' &&
    !new RegExp(schema.pattern).test(value)
  ) {
    problems.push(`${at}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum)
      problems.push(`${at}: below minimum`);
    if (typeof schema.maximum === 'number' && value > schema.maximum)
      problems.push(`${at}: above maximum`);
  }
  if (Array.isArray(value) && schema.items) {
    value.forEach((item, i) =>
      problems.push(...violations(item, schema.items as Schema, document, `${at}[${i}]`)),
    );
  }
  if (actual === 'object') {
    const object = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const key of (schema.required ?? []) as string[]) {
      if (!(key in object)) problems.push(`${at}: missing ${key}`);
    }
    for (const [key, item] of Object.entries(object)) {
      const own = properties[key];
      const extra = schema.additionalProperties;
      if (own) problems.push(...violations(item, own, document, `${at}.${key}`));
      else if (extra === false) problems.push(`${at}: unexpected ${key}`);
      else if (typeof extra === 'object' && extra !== null) {
        problems.push(...violations(item, extra as Schema, document, `${at}.${key}`));
      }
    }
  }
  return problems;
}

describe('the OpenAPI description of the health routes (apps/api)', () => {
  let app: INestApplication;
  let document: OpenAPIObject;
  let operations: Map<string, Operation>;

  beforeAll(async () => {
    app = await createApiApp({
      GEMINI_API_KEY: 'AIza-openapi-e2e',
      HEALTH_DETAILS: 'always',
      HEALTH_ADMIN_KEYS: ADMIN_KEY,
      HEALTH_METRICS_TOKEN: METRICS_TOKEN,
    });
    document = apiDocument(app);
    operations = operationsOf(document);
  });

  afterAll(async () => {
    await app.close();
  });

  it('is a valid OpenAPI document for a well-kept validator', async () => {
    const result = await validateDocument(document);
    expect(result).toEqual({ valid: true, version: '3.0' });
    // The validator catches a broken document: the check can fail.
    const broken = structuredClone(document) as OpenAPIObject;
    delete (broken.paths['/v1/health'].get!.responses['200'] as { description?: string })
      .description;
    expect((await validateDocument(broken)).valid).toBe(false);
  });

  it('describes every route the library serves: summary, tag, every response described', () => {
    const routes = libraryRoutes(app);
    const byId = new Map([...operations].map(([where, op]) => [op.operationId, { where, op }]));
    expect(routes.length).toBeGreaterThanOrEqual(12);
    for (const id of routes) {
      const found = byId.get(id);
      expect({ id, summary: found?.op.summary }).toEqual({ id, summary: expect.any(String) });
      expect(found!.op.tags).toEqual([id.startsWith('HealthMetrics') ? 'metrics' : 'health']);
      for (const [status, response] of Object.entries(found!.op.responses)) {
        expect({ id, status, description: response.description }).toEqual({
          id,
          status,
          description: expect.stringMatching(/\S/),
        });
      }
    }
  });

  it('has every health path with its methods, status codes and media types', () => {
    const media = (where: string, status: string) =>
      Object.keys(operations.get(where)?.responses[status]?.content ?? {}).sort();
    const statuses = (where: string) => Object.keys(operations.get(where)?.responses ?? {}).sort();

    expect(media('GET /v1/health', '200')).toEqual(['application/json']);
    expect(statuses('GET /v1/health')).toEqual(['200']);
    expect(statuses('GET /health')).toEqual(['301']);
    for (const where of ['GET /v1/health/components', 'GET /v1/health/components/{name}']) {
      for (const status of ['200', '503']) {
        expect(media(where, status)).toEqual([
          'application/health+json',
          'application/json',
          'text/plain',
        ]);
      }
    }
    expect(statuses('GET /v1/health/components/{name}')).toEqual(['200', '400', '404', '503']);
    expect(media('GET /v1/health/live', '200')).toEqual(['text/plain']);
    expect(statuses('GET /v1/health/ready')).toEqual(['200', '503']);
    expect(media('GET /v1/health/ready', '503')).toEqual(['text/plain']);
    expect(statuses('GET /v1/health/startup')).toEqual(['200', '503']);
    expect(statuses('GET /v1/health/trends')).toEqual(['200', '400']);
    expect(statuses('GET /v1/health/config')).toEqual(['200', '400', '401', '404']);
    expect(statuses('PATCH /v1/health/config')).toEqual([
      '200',
      '400',
      '401',
      '404',
      '413',
      '415',
      '503',
    ]);
    expect(statuses('DELETE /v1/health/config')).toEqual(['200', '400', '401', '404', '503']);
    expect(Object.keys(operations.get('PATCH /v1/health/config')!.requestBody!.content)).toEqual([
      'application/merge-patch+json',
      'application/json',
    ]);
    expect(statuses('GET /metrics')).toEqual(['200', '401']);
    expect(media('GET /metrics', '200')).toEqual(['text/plain; version=0.0.4']);
    // apps/api serves the event stream and the status page: both are documented.
    expect(media('GET /v1/health/events', '200')).toEqual(['text/event-stream']);
    expect(statuses('GET /v1/health/events')).toEqual(['200', '429', '503']);
    expect(media('GET /v1/health/status', '200')).toEqual(['text/html']);
  });

  it('describes the parameters: window, verbose, exclude, name, dryRun', () => {
    const params = (where: string) =>
      Object.fromEntries(
        (operations.get(where)?.parameters ?? []).map((p) => [`${p.in}:${p.name}`, p]),
      );
    expect(params('GET /v1/health/trends')['query:window']).toMatchObject({
      required: false,
      schema: { type: 'string', enum: ['15m', '1h', '6h', '24h'], default: '1h' },
    });
    expect(Object.keys(params('GET /v1/health/live'))).toEqual(['query:verbose']);
    expect(params('GET /v1/health/ready')).toMatchObject({
      'query:verbose': { required: false, allowEmptyValue: true },
      'query:exclude': { required: false, schema: { type: 'array' }, explode: true },
    });
    expect(params('GET /v1/health/components/{name}')['path:name']).toMatchObject({
      required: true,
      schema: { type: 'string', pattern: '^[a-z0-9_-]{1,64}$' },
    });
    expect(params('PATCH /v1/health/config')['query:dryRun']).toMatchObject({
      schema: { enum: ['true', 'false'] },
    });
    expect(params('GET /v1/health/status')['query:window']).toBeDefined();
  });

  it("gives GET /v1/health the template's HealthResponse, field for field", () => {
    const schema = document.components!.schemas!.HealthResponse as Schema;
    const properties = schema.properties as Record<string, Schema>;
    const shape = Object.fromEntries(
      Object.entries(properties).map(([key, p]) => [
        key,
        {
          type: p.type,
          ...(p.format ? { format: p.format } : {}),
          ...(p.nullable ? { nullable: true } : {}),
          ...(p.enum ? { enum: p.enum } : {}),
        },
      ]),
    );
    expect(shape).toEqual({
      status: { type: 'string', enum: ['healthy', 'degraded', 'unhealthy'] },
      timestamp: { type: 'string', format: 'date-time' },
      version: { type: 'string' },
      ai_model_available: { type: 'boolean' },
      resilience_healthy: { type: 'boolean', nullable: true },
      cache_healthy: { type: 'boolean', nullable: true },
    });
    expect(Object.keys(properties)).toEqual(LEGACY_KEYS);
    expect(schema.required).toEqual(Object.keys(properties));
    expect(
      operations.get('GET /v1/health')!.responses['200'].content!['application/json'].schema,
    ).toEqual({
      $ref: '#/components/schemas/HealthResponse',
    });
  });

  describe('tells the truth: real answers conform to the documented schemas', () => {
    const server = () => request(app.getHttpServer());
    const admin = { Authorization: `Bearer ${ADMIN_KEY}` };

    /** Checks the answer against the operation's documented response for its status. */
    function conforms(where: string, res: Response): void {
      const response = operations.get(where)?.responses[String(res.status)];
      expect({ where, status: res.status, documented: response !== undefined }).toEqual({
        where,
        status: res.status,
        documented: true,
      });
      if (!response!.content) return;
      const type = String(res.headers['content-type']).split(';')[0];
      const entry = Object.entries(response!.content).find(
        ([media]) => media.split(';')[0] === type,
      );
      expect({ where, type, documented: entry !== undefined }).toEqual({
        where,
        type,
        documented: true,
      });
      const body: unknown = type.endsWith('json') ? JSON.parse(res.text) : res.text;
      expect({ where, problems: violations(body, entry![1].schema, document) }).toEqual({
        where,
        problems: [],
      });
    }

    beforeAll(async () => {
      for (let i = 0; i < 3; i++) await server().get('/v1/health').expect(200);
    });

    it.each([
      ['GET /v1/health', '/v1/health', {}],
      ['GET /health', '/health', {}],
      ['GET /v1/health/components', '/v1/health/components', {}],
      ['GET /v1/health/components', '/v1/health/components', { Accept: 'application/health+json' }],
      ['GET /v1/health/components', '/v1/health/components', { Accept: 'text/plain' }],
      ['GET /v1/health/components/{name}', '/v1/health/components/cache', {}],
      [
        'GET /v1/health/components/{name}',
        '/v1/health/components/cache',
        { Accept: 'application/health+json' },
      ],
      ['GET /v1/health/components/{name}', '/v1/health/components/NOT_A_NAME', {}],
      ['GET /v1/health/components/{name}', '/v1/health/components/nothing', {}],
      ['GET /v1/health/live', '/v1/health/live?verbose', {}],
      ['GET /v1/health/ready', '/v1/health/ready?verbose&exclude=cache', {}],
      ['GET /v1/health/startup', '/v1/health/startup', {}],
      ['GET /v1/health/trends', '/v1/health/trends?window=15m', {}],
      ['GET /v1/health/trends', '/v1/health/trends?window=2d', {}],
      ['GET /metrics', '/metrics', {}],
      ['GET /metrics', '/metrics', { Authorization: `Bearer ${METRICS_TOKEN}` }],
      ['GET /v1/health/config', '/v1/health/config', admin],
    ])('%s: %s %j', async (where, path, headers) => {
      conforms(where, await server().get(path).set(headers));
    });

    it.each([['GET /v1/health/config', '/v1/health/config', {}]])(
      '%s: %s %j',
      async (where, path, headers) => {
        conforms(where, await server().get(path).set(headers));
      },
    );

    it('PATCH and DELETE /v1/health/config', async () => {
      const patch = (query: string, body: object) =>
        server().patch(`/v1/health/config${query}`).set(admin).send(body);
      conforms(
        'PATCH /v1/health/config',
        await patch('?dryRun=true', { defaults: { timeoutMs: 1500 } }),
      );
      conforms(
        'PATCH /v1/health/config',
        await patch('', { checks: { cache: { timeoutMs: 700 } } }),
      );
      conforms('PATCH /v1/health/config', await patch('', { defaults: { timeoutMs: -1 } }));
      conforms('DELETE /v1/health/config', await server().delete('/v1/health/config').set(admin));
      const applied = await patch('', { checks: { cache: { timeoutMs: 800 } } });
      expect(applied.status).toBe(200);
      expect(applied.body.changes).toEqual([
        expect.objectContaining({ path: 'checks.cache.timeoutMs', to: 800 }),
      ]);
    });

    it('the status page (apps/api serves one)', async () => {
      conforms('GET /v1/health/status', await server().get('/v1/health/status?window=1h'));
    });

    it('the checker itself finds a body that breaks its schema', () => {
      const schema = { $ref: '#/components/schemas/HealthResponse' };
      const legacy = {
        status: 'healthy',
        timestamp: '2025-06-28T00:06:39.130848',
        version: '1.0.0',
        ai_model_available: true,
        resilience_healthy: null,
        cache_healthy: true,
      };
      expect(violations(legacy, schema, document)).toEqual([]);
      expect(
        violations({ ...legacy, status: 'ok', cache_healthy: 'yes' }, schema, document),
      ).toEqual([
        '$.status: "ok" not in ["healthy","degraded","unhealthy"]',
        '$.cache_healthy: "yes" is not boolean',
      ]);
      const { version: _version, ...missing } = legacy;
      expect(violations({ ...missing, ai_model_available: null }, schema, document)).toEqual([
        '$: missing version',
        '$.ai_model_available: null is not allowed',
      ]);
    });
  });
});

describe('Swagger UI and the document of the built service', () => {
  let service: RunningService;

  beforeAll(async () => {
    service = await ServiceProcess.start({ HEALTH_SHUTDOWN_DELAY_MS: '0' });
  }, 60_000);

  afterAll(async () => {
    await service.kill();
  });

  it('serves Swagger UI at /docs and the document at /docs-json', async () => {
    const ui = await fetch(`${service.url}/docs`);
    expect(ui.status).toBe(200);
    expect(ui.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await ui.text()).toContain('swagger-ui');
    const res = await fetch(`${service.url}/docs-json`);
    expect(res.status).toBe(200);
    const served = (await res.json()) as OpenAPIObject;
    expect(await validateDocument(served)).toEqual({ valid: true, version: '3.0' });
    expect(served.info).toMatchObject({ title: 'AI Text Processing API', version: '1.0.0' });
    expect(Object.keys(served.paths)).toEqual(
      expect.arrayContaining([
        '/v1/health',
        '/health',
        '/v1/health/components',
        '/v1/health/ready',
        '/metrics',
      ]),
    );
    expect(served.components?.schemas?.HealthResponse).toMatchObject({
      required: LEGACY_KEYS,
    });
    // The document says nothing secret: no key in the environment, none in it.
    expect(JSON.stringify(served)).not.toMatch(/AIza|Bearer [A-Za-z0-9]{8}/);
  });
});

describe('without @nestjs/swagger', () => {
  it('the main and metrics entries never load it, even when it is installed', async () => {
    const script = `
      require('@nest-health/core');
      require('@nest-health/core/metrics');
      require('@nest-health/core/resilience');
      const loaded = Object.keys(require.cache).filter((p) => p.includes('/@nestjs/swagger/'));
      console.log(JSON.stringify(loaded));
    `;
    const { code, out, err } = await node(['-e', script], ROOT);
    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(JSON.parse(out)).toEqual([]);
  });

  it('an app works unchanged where it is not installed; only the openapi entry asks for it', async () => {
    const dir = sandboxWithout(['@nestjs/swagger', 'swagger-ui-dist']);
    try {
      const script = `
        require('reflect-metadata');
        const { Module } = require('@nestjs/common');
        const { NestFactory } = require('@nestjs/core');
        const { HealthModule, HealthStatus } = require('@nest-health/core');
        const { HealthMetricsModule } = require('@nest-health/core/metrics');
        const out = {};
        try { require.resolve('@nestjs/swagger'); out.swagger = 'found'; } catch { out.swagger = 'absent'; }
        class AppModule {}
        Module({
          imports: [
            HealthModule.forRoot({ evaluationIntervalMs: 0, checks: [{ name: 'payments', check: () => ({ status: HealthStatus.HEALTHY }) }], http: { endpoints: { legacy: true } } }),
            HealthMetricsModule.forRoot({ token: '${METRICS_TOKEN}' }),
          ],
        })(AppModule);
        (async () => {
          const app = await NestFactory.create(AppModule, { logger: false });
          await app.listen(0, '127.0.0.1');
          const url = await app.getUrl();
          out.health = (await (await fetch(url + '/v1/health')).json()).status;
          out.metrics = (await fetch(url + '/metrics')).status;
          await app.close();
          try { require('@nest-health/core/openapi'); } catch (e) { out.openapi = e.name + ': ' + e.message; }
          console.log(JSON.stringify(out));
        })().catch((e) => { console.error(e); process.exit(1); });
      `;
      const { code, out, err } = await node(['--preserve-symlinks', '-e', script], dir);
      expect({ code, err }).toEqual({ code: 0, err: '' });
      expect(JSON.parse(out)).toEqual({
        swagger: 'absent',
        health: 'healthy',
        metrics: 401,
        openapi:
          'MissingPeerDependencyError: @nest-health/core/openapi needs the optional peer dependency "@nestjs/swagger": npm install @nestjs/swagger',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

/**
 * A folder whose node_modules links every package of the repository's but these, and the built
 * package as @nest-health/core. Run with `--preserve-symlinks`, Node finds nothing else.
 */
function sandboxWithout(left: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'no-swagger-'));
  const modules = join(dir, 'node_modules');
  mkdirSync(modules);
  const source = join(ROOT, 'node_modules');
  for (const entry of readdirSync(source)) {
    if (entry.startsWith('.') || left.includes(entry) || entry === '@nest-health') continue;
    if (!entry.startsWith('@')) {
      symlinkSync(join(source, entry), join(modules, entry));
      continue;
    }
    mkdirSync(join(modules, entry));
    for (const name of readdirSync(join(source, entry))) {
      if (left.includes(`${entry}/${name}`)) continue;
      symlinkSync(join(source, entry, name), join(modules, entry, name));
    }
  }
  mkdirSync(join(modules, '@nest-health'));
  symlinkSync(join(ROOT, 'dist/libs/health'), join(modules, '@nest-health/core'));
  return dir;
}

async function node(
  args: string[],
  cwd: string,
): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, args, { cwd, env: { PATH: process.env.PATH ?? '' } });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, out, err };
}
