import type { INestApplication } from '@nestjs/common';
import { Body, Controller, Patch, Post, VersioningType } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import fc from 'fast-check';
import type { IncomingHttpHeaders } from 'node:http';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HealthStatus } from '../core/health-status';
import { HealthModule } from '../health.module';
import {
  adminAccessProblem,
  adminPathMatcher,
  MAX_PATCH_BYTES,
  parseAdminQuery,
  patchHeadersProblem,
} from './admin-request';
import { HealthConfigModule } from './health-config.module';

/** What `HealthConfigModule.forRoot()` takes: its options and where the endpoint is mounted. */
type ConfigModuleOptions = Parameters<typeof HealthConfigModule.forRoot>[0];

const ADMIN = 'admin-key-0001-7c3e5a9b';
const MARK = 'SECRETMARK';
const UNSUPPORTED = 'Send the patch as application/merge-patch+json or application/json';

describe('patchHeadersProblem', () => {
  it.each([
    ['application/merge-patch+json'],
    ['application/json'],
    ['Application/JSON'],
    [' application/merge-patch+json '],
    ['application/json; charset=utf-8'],
    ['application/json;charset="UTF-8"'],
    ['application/merge-patch+json; charset=utf-8; foo=bar'],
  ])('takes %j', (type) => {
    expect(patchHeadersProblem({ 'content-type': type, 'content-length': '20' })).toBeUndefined();
    expect(patchHeadersProblem({ 'content-type': type, 'transfer-encoding': 'chunked' })).toBe(
      undefined,
    );
  });

  it.each([
    [undefined],
    [''],
    ['text/plain'],
    ['application/x-www-form-urlencoded'],
    ['multipart/form-data; boundary=x'],
    ['application/json-seq'],
    ['application/jsonx'],
    ['application/merge-patch'],
    ['application/json; charset=latin1'],
    ['application/json; charset=utf-16'],
    ['json'],
  ])('refuses %j with 415 naming both types', (type) => {
    expect(patchHeadersProblem({ 'content-type': type, 'content-length': '20' })).toEqual({
      status: 415,
      message: UNSUPPORTED,
    });
  });

  it('refuses a declared size over 64 KiB with 413, before the type', () => {
    expect(MAX_PATCH_BYTES).toBe(65_536);
    const tooLarge = { status: 413, message: 'A configuration patch has at most 65536 bytes' };
    expect(patchHeadersProblem({ 'content-length': '65537' })).toEqual(tooLarge);
    expect(
      patchHeadersProblem({ 'content-length': '65537', 'content-type': 'text/plain' }),
    ).toEqual(tooLarge);
    expect(
      patchHeadersProblem({ 'content-length': '65536', 'content-type': 'application/json' }),
    ).toBeUndefined();
  });

  it('has nothing to say about a request without a body', () => {
    expect(patchHeadersProblem({})).toBeUndefined();
    expect(patchHeadersProblem({ 'content-type': 'text/plain' })).toBeUndefined();
    expect(patchHeadersProblem({ 'content-type': 'text/plain', 'content-length': '0' })).toBe(
      undefined,
    );
  });

  it('property: any headers give nothing, 413 or 415, and take only the two types', () => {
    const type = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc
        .tuple(
          fc.constantFrom('application/json', 'application/merge-patch+json', 'text/plain', ''),
          fc.string({ maxLength: 20 }),
        )
        .map(([t, rest]) => `${t}${rest}`),
    );
    const length = fc.oneof(
      fc.nat({ max: 200_000 }).map(String),
      fc.string({ maxLength: 10 }),
      fc.constant(undefined),
    );
    fc.assert(
      fc.property(type, length, fc.boolean(), (contentType, contentLength, chunked) => {
        const headers = {
          'content-type': contentType,
          'content-length': contentLength,
          ...(chunked ? { 'transfer-encoding': 'chunked' } : {}),
        };
        const problem = patchHeadersProblem(headers);
        if (problem === undefined) {
          const declared = Number(contentLength ?? 0);
          const body = chunked || declared > 0;
          if (body) {
            expect(['application/json', 'application/merge-patch+json']).toContain(
              contentType.split(';')[0].trim().toLowerCase(),
            );
          }
          expect(declared > MAX_PATCH_BYTES).toBe(false);
        } else {
          expect([
            { status: 413, message: 'A configuration patch has at most 65536 bytes' },
            { status: 415, message: UNSUPPORTED },
          ]).toContainEqual(problem);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('adminAccessProblem', () => {
  it('is 404 while no admin key is configured, whatever the caller presents', () => {
    for (const headers of [{}, { 'x-api-key': ADMIN }, { authorization: `Bearer ${ADMIN}` }]) {
      expect(adminAccessProblem(headers, [])).toEqual({ status: 404, message: 'Not Found' });
    }
  });

  it('is 401 without a valid key, and nothing with one', () => {
    const keys = [ADMIN, 'other-admin-key-00002'];
    for (const headers of [
      {},
      { 'x-api-key': '' },
      { 'x-api-key': 'admin-key-0001-7c3e5a9' },
      { 'x-api-key': `${ADMIN}x` },
      { authorization: ADMIN },
      { authorization: `Basic ${ADMIN}` },
      { authorization: `Bearer ${ADMIN} extra` },
      { 'x-api-key': ['a', 'b'] as unknown as string },
    ]) {
      expect(adminAccessProblem(headers, keys)).toEqual({ status: 401, message: 'Unauthorized' });
    }
    expect(adminAccessProblem({ 'x-api-key': ADMIN }, keys)).toBeUndefined();
    expect(adminAccessProblem({ 'x-api-key': ` ${ADMIN} ` }, keys)).toBeUndefined();
    expect(adminAccessProblem({ authorization: `Bearer ${ADMIN}` }, keys)).toBeUndefined();
    expect(adminAccessProblem({ authorization: 'bearer other-admin-key-00002' }, keys)).toBe(
      undefined,
    );
  });
});

describe('adminPathMatcher', () => {
  /** The matcher of the admin endpoint mounted under a base path (`<base>/config`). */
  const matcherOf = (base: string) => adminPathMatcher(`${base}/config`);
  const BASES = ['v1/health', 'health', 'ops/health.v2', 'a-b/c_d~e@f'];
  const segment = fc.stringMatching(/^[A-Za-z0-9_.~-]{1,8}$/);
  const prefix = fc
    .array(segment, { maxLength: 3 })
    .map((parts) => parts.map((p) => `/${p}`).join(''));
  const query = fc.oneof(
    fc.constant(''),
    fc.string({ maxLength: 20 }).map((q) => `?${q}`),
    fc.constantFrom('?dryRun=true', '?', '?/v1/health/config', '?x=/y'),
  );
  /** Upper-cases the letters picked by `flips`. */
  const recase = (text: string, flips: boolean[]) =>
    [...text].map((c, i) => (flips[i % flips.length] ? c.toUpperCase() : c)).join('');

  it.each([
    ['v1/health', '/v1/health/config'],
    ['v1/health', '/v1/health/config/'],
    ['v1/health', '/V1/Health/CONFIG'],
    ['v1/health', '/api/v1/health/config?dryRun=true'],
    ['v1/health', '/api/v2/v1/health/config'],
    ['v1/health', 'v1/health/config'],
    ['health', '/api/v2/health/config/'],
  ])('%s matches %s', (base, url) => {
    expect(matcherOf(base)(url)).toBe(true);
  });

  it.each([
    ['v1/health', '/v1/health/configx'],
    ['v1/health', '/x/v1/health/config/y'],
    ['v1/health', '/v1/health/config//'],
    ['v1/health', '/v1/health/config.json'],
    ['v1/health', '/v1/health/config/status'],
    ['v1/health', '/v1/healthy/config'],
    ['v1/health', '/v1/xhealth/config'],
    ['v1/health', '/xv1/health/config'],
    ['v1/health', '/v1/health'],
    ['v1/health', '/v1/settings/config'],
    ['v1/health', '/config'],
    ['v1/health', ''],
    ['v1/health', undefined],
    ['v1/health', '?/v1/health/config'],
    ['health', '/xhealth/config'],
    ['ops/health.v2', '/ops/healthXv2/config'],
  ])('%s does not match %s', (base, url) => {
    expect(matcherOf(base)(url)).toBe(false);
  });

  it('property: the endpoint under any prefix, in any case, with or without a slash and a query', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...BASES),
        prefix,
        fc.boolean(),
        query,
        fc.array(fc.boolean(), { minLength: 1, maxLength: 40 }),
        (base, before, slash, q, flips) => {
          const url = `${before}/${recase(`${base}/config`, flips)}${slash ? '/' : ''}${q}`;
          expect(matcherOf(base)(url)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: never a path that goes on after config', () => {
    const after = fc.oneof(
      fc.stringMatching(/^[A-Za-z0-9_.%~-]{1,6}$/),
      segment.map((s) => `/${s}`),
      fc.constantFrom('//', '/.', '%2F', ';', ';x'),
    );
    fc.assert(
      fc.property(fc.constantFrom(...BASES), prefix, after, query, (base, before, tail, q) => {
        expect(matcherOf(base)(`${before}/${base}/config${tail}${q}`)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('property: never another base path', () => {
    const pair = fc
      .constantFrom(...BASES)
      .chain((base) =>
        fc.tuple(
          fc.constant(base),
          fc.constantFrom(
            base.replace('/', '//'),
            `x${base}`,
            base.replace(/.$/, ''),
            `${base}x`,
            base.replace(/[.~@]/g, 'X'),
          ),
        ),
      );
    fc.assert(
      fc.property(pair, prefix, query, ([base, other], before, q) => {
        fc.pre(other !== base);
        expect(matcherOf(base)(`${before}/${other}/config${q}`)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});

describe('parseAdminQuery', () => {
  const METHODS = ['GET', 'PATCH', 'DELETE'] as const;

  it.each([
    ['/v1/health/config', false],
    ['/v1/health/config?', false],
    ['/v1/health/config?dryRun=true', true],
    ['/v1/health/config?dryRun=false', false],
    [undefined, false],
  ])('PATCH takes %j', (url, dryRun) => {
    expect(parseAdminQuery(url, 'PATCH')).toEqual({ dryRun });
  });

  it.each([
    [
      'dryrun=true',
      'Unknown query parameter "dryrun": PATCH takes only dryRun=true or dryRun=false',
    ],
    ['DRYRUN=true', 'Unknown query parameter "DRYRUN"'],
    ['dryRun[]=true', 'Unknown query parameter "dryRun[]"'],
    ['dryRun%5B%5D=true', 'Unknown query parameter "dryRun[]"'],
    ['dry%72un=true', 'Unknown query parameter "dryrun"'],
    ['dryRun=true&dryRun=true', 'Query parameter "dryRun" given twice'],
    ['dryRun=false&dryRun=true', 'Query parameter "dryRun" given twice'],
    ['dryRun=TRUE', 'Invalid dryRun: expected true or false'],
    ['dryRun=1', 'Invalid dryRun: expected true or false'],
    ['dryRun', 'Invalid dryRun: expected true or false'],
    ['dryRun=', 'Invalid dryRun: expected true or false'],
    ['dryRun=true%00', 'Invalid dryRun: expected true or false'],
    ['dryRun=true+', 'Invalid dryRun: expected true or false'],
    ['dryRun=true?dryRun=true', 'Invalid dryRun: expected true or false'],
    ['dryRun=true&x=1', 'Unknown query parameter "x"'],
    ['=true', 'Unknown query parameter ""'],
    ['x', 'Unknown query parameter "x"'],
  ])('PATCH refuses ?%s', (query, problem) => {
    expect(parseAdminQuery(`/v1/health/config?${query}`, 'PATCH')).toContain(problem);
  });

  it.each(['GET', 'DELETE'] as const)('%s takes no query parameter at all', (method) => {
    expect(parseAdminQuery('/v1/health/config', method)).toEqual({ dryRun: false });
    for (const query of ['dryRun=true', 'dryRun=false', 'x=1']) {
      expect(parseAdminQuery(`/v1/health/config?${query}`, method)).toMatch(
        new RegExp(`^Unknown query parameter "\\w+": ${method} takes no query parameter$`),
      );
    }
  });

  it('shows at most 40 characters of a parameter name', () => {
    const problem = parseAdminQuery(`/c?${'n'.repeat(5000)}=1`, 'PATCH') as string;
    expect(problem).toBe(
      `Unknown query parameter "${'n'.repeat(40)}": PATCH takes only dryRun=true or dryRun=false`,
    );
  });

  /** Query strings as clients and attackers write them: fragments of the real one, encoded or not. */
  const queryString = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({
      unit: fc.constantFrom(
        'dryRun',
        'dryrun',
        'DRYRUN',
        '=',
        '&',
        'true',
        'false',
        '[]',
        '%5B',
        '%5D',
        '%',
        '%72',
        '%52',
        '+',
        '?',
        ';',
        ' ',
        'x',
      ),
      maxLength: 8,
    }),
    fc.webQueryParameters(),
    fc
      .array(
        fc.tuple(
          fc.constantFrom('dryRun', 'dryrun', 'dryRun[]', 'DryRun', 'x'),
          fc.constantFrom('true', 'false', 'TRUE', '1', ''),
        ),
        { maxLength: 3 },
      )
      .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&')),
  );

  it('property: only dryRun=true|false once is taken, only by PATCH; nothing ever throws', () => {
    fc.assert(
      fc.property(queryString, fc.constantFrom(...METHODS), (query, method) => {
        const parsed = parseAdminQuery(`/v1/health/config?${query}`, method);
        const params = [...new URLSearchParams(query)];
        const valid =
          params.length === 0 ||
          (method === 'PATCH' &&
            params.length === 1 &&
            params[0][0] === 'dryRun' &&
            ['true', 'false'].includes(params[0][1]));
        if (valid) {
          expect(parsed).toEqual({ dryRun: params.length === 1 && params[0][1] === 'true' });
        } else {
          expect(typeof parsed).toBe('string');
          expect((parsed as string).length).toBeLessThan(200);
        }
      }),
      { numRuns: 500 },
    );
  });
});

// --- The gate on real applications ------------------------------------------------------------

/** A host's own routes: a JSON POST, and routes that merely end in `config`. */
@Controller()
class HostController {
  @Post('things')
  create(@Body() body: unknown) {
    return { got: body };
  }

  @Patch('settings/config')
  settings(@Body() body: unknown) {
    return { got: body };
  }

  @Patch('v1/health-app/config')
  lookalike(@Body() body: unknown) {
    return { got: body };
  }
}

type Platform = 'express' | 'fastify';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

interface Sent {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Sent in two writes without Content-Length (Transfer-Encoding: chunked). */
  chunked?: boolean;
}

/** One request over a fresh connection; an answer that comes before the body is sent whole counts. */
function send(
  port: number,
  { method = 'PATCH', path, headers = {}, body, chunked }: Sent,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const length =
      body !== undefined && !chunked ? { 'content-length': String(Buffer.byteLength(body)) } : {};
    const req = http.request({
      host: '127.0.0.1',
      port,
      method,
      path,
      agent: false,
      headers: { ...headers, ...length },
    });
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode!,
          headers: res.headers,
          text: Buffer.concat(chunks).toString(),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    if (body !== undefined && chunked) {
      req.write(body.slice(0, 100));
      setImmediate(() => req.end(body.slice(100)));
    } else {
      req.end(body);
    }
  });
}

describe.each<Platform>(['express', 'fastify'])('the admin gate on %s', (platform) => {
  let app: INestApplication | undefined;
  let port: number;

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function boot(
    options: ConfigModuleOptions = {},
    setUp: (app: INestApplication) => void = () => undefined,
  ): Promise<void> {
    const moduleRef = await Test.createTestingModule({
      imports: [
        HealthModule.forRoot({
          evaluationIntervalMs: 0,
          checks: [{ name: 'db', check: () => ({ status: HealthStatus.HEALTHY }) }],
        }),
        HealthConfigModule.forRoot({ adminKeys: [ADMIN], ...options }),
      ],
      controllers: [HostController],
    }).compile();
    app =
      platform === 'fastify'
        ? moduleRef.createNestApplication(new FastifyAdapter(), { logger: false })
        : moduleRef.createNestApplication({ logger: false });
    setUp(app);
    await app.init();
    if (platform === 'fastify') {
      await (app.getHttpAdapter().getInstance() as { ready(): Promise<unknown> }).ready();
    }
    await app.listen(0, '127.0.0.1');
    port = (app.getHttpServer().address() as AddressInfo).port;
  }

  const json = (text: string) => JSON.parse(text) as Record<string, unknown>;
  const badJson = `{"checks": {"db": ${MARK}`;
  const huge = () => JSON.stringify({ checks: {}, pad: 'x'.repeat(1_200_000) });
  const TYPES = ['application/merge-patch+json', 'application/json'];

  async function version(path = '/v1/health/config'): Promise<number> {
    const res = await send(port, { method: 'GET', path, headers: { 'x-api-key': ADMIN } });
    expect(res.status).toBe(200);
    return json(res.text).version as number;
  }

  describe('without a valid key', () => {
    it.each([
      ['bad JSON', () => badJson, false],
      ['a body of 1.2 MB', huge, false],
      ['a chunked body of 1.2 MB', huge, true],
      ['prototype keys', () => '{"checks":{"__proto__":{"critical":false}}}', false],
    ])('answers %s with 401, not 400 or 413, and quotes nothing', async (_what, body, chunked) => {
      await boot();
      const callers: Record<string, string>[] = [
        {},
        { 'x-api-key': 'wrong-key-000000000' },
        { authorization: 'Bearer x' },
      ];
      for (const headers of callers) {
        for (const type of [...TYPES, 'text/plain']) {
          const res = await send(port, {
            path: '/v1/health/config',
            headers: { ...headers, 'content-type': type },
            body: body(),
            chunked,
          });
          expect(res.status).toBe(401);
          expect(json(res.text)).toEqual({ message: 'Unauthorized', statusCode: 401 });
          expect(res.headers['cache-control']).toBe('no-store');
        }
      }
      expect(({} as Record<string, unknown>).critical).toBeUndefined();
      expect(await version()).toBe(1);
    });

    it('answers GET and DELETE with 401 too', async () => {
      await boot();
      for (const method of ['GET', 'DELETE']) {
        const res = await send(port, { method, path: '/v1/health/config' });
        expect(res.status).toBe(401);
      }
    });

    it('answers 404 for everything while the endpoint is off (no admin keys)', async () => {
      await boot({ adminKeys: [] });
      for (const body of [badJson, huge(), '{"checks":{}}']) {
        for (const headers of [{}, { 'x-api-key': ADMIN }] as Record<string, string>[]) {
          const res = await send(port, {
            path: '/v1/health/config',
            headers: { ...headers, 'content-type': 'application/json' },
            body,
          });
          expect(res.status).toBe(404);
          expect(res.text).not.toContain(MARK);
        }
      }
      expect((await send(port, { method: 'GET', path: '/v1/health/config' })).status).toBe(404);
    });
  });

  describe('with a key', () => {
    const key = { 'x-api-key': ADMIN };

    it.each([...TYPES, 'application/merge-patch+json; charset=utf-8', 'Application/JSON'])(
      'applies a patch sent as %s',
      async (type) => {
        await boot();
        const res = await send(port, {
          path: '/v1/health/config',
          headers: { ...key, 'content-type': type },
          body: '{"checks":{"db":{"timeoutMs":150}}}',
        });
        expect(res.status).toBe(200);
        expect(json(res.text)).toMatchObject({
          version: 2,
          changes: [{ path: 'checks.db.timeoutMs', from: 2000, to: 150 }],
        });
      },
    );

    it('refuses text/plain and other types with 415, naming both', async () => {
      await boot();
      for (const type of [
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/json; charset=latin1',
      ]) {
        const res = await send(port, {
          path: '/v1/health/config',
          headers: { ...key, 'content-type': type },
          body: '{"checks":{"db":{"timeoutMs":150}}}',
        });
        expect(res.status).toBe(415);
        expect(json(res.text).message).toBe(UNSUPPORTED);
      }
      expect(await version()).toBe(1);
    });

    it.each(TYPES)('refuses a body of 70 KB as %s with 413', async (type) => {
      await boot();
      const body = JSON.stringify({ checks: { db: { timeoutMs: 150 } } }) + ' '.repeat(70_000);
      const res = await send(port, {
        path: '/v1/health/config',
        headers: { ...key, 'content-type': type },
        body,
      });
      expect(res.status).toBe(413);
      expect(await version()).toBe(1);
    });

    it('refuses a chunked body of 70 KB as application/merge-patch+json with 413', async () => {
      await boot();
      const body = JSON.stringify({ checks: { db: { timeoutMs: 150 } } }) + ' '.repeat(70_000);
      const res = await send(port, {
        path: '/v1/health/config',
        headers: { ...key, 'content-type': TYPES[0] },
        body,
        chunked: true,
      });
      expect(res.status).toBe(413);
      expect(await version()).toBe(1);
    });

    it.each(TYPES)('answers bad JSON as %s with 400, quoting none of it', async (type) => {
      await boot();
      for (const body of [badJson, `"${MARK}`, `{"a":1} ${MARK}`, `{"${MARK}\u0001":1}`]) {
        const res = await send(port, {
          path: '/v1/health/config',
          headers: { ...key, 'content-type': type },
          body,
        });
        expect(res.status).toBe(400);
        expect(res.text).not.toContain(MARK);
        expect(res.text).not.toMatch(/Unexpected token/);
      }
      expect(await version()).toBe(1);
    });

    it('refuses prototype keys with 400, polluting nothing', async () => {
      await boot();
      for (const type of TYPES) {
        for (const body of [
          '{"checks":{"__proto__":{"critical":false}}}',
          '{"checks":{"db":{"thresholds":{"__proto__":{"x":1}}}}}',
          '{"checks":{"toString":{"mode":"bogus"}}}',
        ]) {
          const res = await send(port, {
            path: '/v1/health/config',
            headers: { ...key, 'content-type': type },
            body,
          });
          expect(res.status).toBe(400);
        }
      }
      expect(({} as Record<string, unknown>).critical).toBeUndefined();
      expect(await version()).toBe(1);
    });

    it('refuses a misspelt dryRun with 400 and applies nothing; dryRun=true applies nothing', async () => {
      await boot();
      const body = '{"checks":{"db":{"timeoutMs":150}}}';
      for (const query of [
        'dryrun=true',
        'dryRun[]=true',
        'dryRun=true&dryRun=true',
        'DRYRUN=true',
      ]) {
        const res = await send(port, {
          path: `/v1/health/config?${query}`,
          headers: { ...key, 'content-type': 'application/json' },
          body,
        });
        expect(res.status).toBe(400);
      }
      const dry = await send(port, {
        path: '/v1/health/config?dryRun=true',
        headers: { ...key, 'content-type': 'application/json' },
        body,
      });
      expect(dry.status).toBe(200);
      expect(json(dry.text)).toMatchObject({ dryRun: true, changes: [{ to: 150 }] });
      expect(await version()).toBe(1);
    });
  });

  describe('other routes', () => {
    it("leaves a host route's JSON body to the app's own parser", async () => {
      await boot();
      const res = await send(port, {
        method: 'POST',
        path: '/things',
        headers: { 'content-type': 'application/json' },
        body: '{"name":"a"}',
      });
      expect(res.status).toBe(201);
      expect(json(res.text)).toEqual({ got: { name: 'a' } });
      const bad = await send(port, {
        method: 'POST',
        path: '/things',
        headers: { 'content-type': 'application/json' },
        body: '{"name":',
      });
      expect(bad.status).toBe(400);
    });

    it.each(['/settings/config', '/v1/health-app/config'])(
      'leaves a host route that merely ends in config alone: %s',
      async (path) => {
        await boot();
        const res = await send(port, {
          path,
          headers: { 'content-type': 'application/json' },
          body: '{"checks":{"db":{"timeoutMs":1}}}',
        });
        expect(res.status).toBe(200);
        expect(json(res.text)).toEqual({ got: { checks: { db: { timeoutMs: 1 } } } });
        expect(await version()).toBe(1);
      },
    );
  });

  describe('under a global prefix and URI versioning', () => {
    it.each([
      ['the default base path', {}, '/api/v1/health/config'],
      [
        'a versioned path',
        { http: { path: 'health/config', version: '2' } },
        '/api/v2/health/config',
      ],
    ] as [string, ConfigModuleOptions, string][])('gates %s: %s', async (_what, options, path) => {
      await boot(options, (nest) => {
        nest.setGlobalPrefix('api');
        nest.enableVersioning({ type: VersioningType.URI, defaultVersion: '1' });
      });
      for (const body of [badJson, huge()]) {
        const res = await send(port, {
          path,
          headers: { 'content-type': 'application/json' },
          body,
        });
        expect(res.status).toBe(401);
      }
      const applied = await send(port, {
        path,
        headers: { 'x-api-key': ADMIN, 'content-type': 'application/merge-patch+json' },
        body: '{"checks":{"db":{"retries":3}}}',
      });
      expect(applied.status).toBe(200);
      expect(await version(path)).toBe(2);
      const host = await send(port, {
        path: '/api/v1/settings/config',
        headers: { 'content-type': 'application/json' },
        body: '{"a":1}',
      });
      expect(host.status).toBe(200);
      expect(json(host.text)).toEqual({ got: { a: 1 } });
    });
  });
});

describe.each<Platform>(['express', 'fastify'])(
  'the admin gate on %s, against encoded paths and chunked bodies',
  (platform) => {
    let app: INestApplication | undefined;
    let port: number;

    beforeEach(async () => {
      const moduleRef = await Test.createTestingModule({
        imports: [
          HealthModule.forRoot({
            evaluationIntervalMs: 0,
            checks: [{ name: 'db', check: () => ({ status: HealthStatus.HEALTHY }) }],
          }),
          HealthConfigModule.forRoot({ adminKeys: [ADMIN] }),
        ],
      }).compile();
      app =
        platform === 'fastify'
          ? moduleRef.createNestApplication(new FastifyAdapter(), { logger: false })
          : moduleRef.createNestApplication({ logger: false });
      await app.listen(0, '127.0.0.1');
      port = (app.getHttpServer().address() as AddressInfo).port;
    });
    afterEach(async () => {
      await app?.close();
      app = undefined;
    });

    // Fastify's router decodes percent-encoded characters of the path before matching a route; the
    // gate matches the raw URL. So `/v1/health/%63onfig` reaches the admin controller (GET with a
    // key answers the configuration) while the gate lets it through: without a key, the body is
    // parsed first (400, 413) and only then refused. Express does not route these spellings.
    it.each([
      '/v1/health/config',
      '/v1/health/%63onfig',
      '/v1/health/confi%67',
      '/v1/%68ealth/config',
      '/%761/health/config',
    ])('gates %s wherever it reaches the admin endpoint', async (path) => {
      const get = await send(port, { method: 'GET', path, headers: { 'x-api-key': ADMIN } });
      expect([200, 404]).toContain(get.status);
      const reaches = get.status === 200;
      for (const [type, body] of [
        ['application/json', `{"checks": ${MARK}`],
        ['application/merge-patch+json', `{"checks": ${MARK}`],
        ['application/json', JSON.stringify({ pad: 'x'.repeat(1_200_000) })],
        ['application/json', '{"checks":{"db":{"timeoutMs":150}}}'],
      ]) {
        const res = await send(port, { path, headers: { 'content-type': type }, body });
        const seen = { type, size: body.length, status: res.status };
        // Where the spelling is no route of the endpoint, the app answers as for any unknown path.
        if (reaches) expect(seen).toEqual({ ...seen, status: 401 });
        else expect([400, 404, 413]).toContain(res.status);
      }
      const after = await send(port, {
        method: 'GET',
        path: '/v1/health/config',
        headers: { 'x-api-key': ADMIN },
      });
      expect(JSON.parse(after.text).version).toBe(1);
    });

    // On Fastify, application/json is read by Fastify's own parser (bodyLimit 1 MiB by default):
    // only a declared Content-Length is held to 64 KiB by the gate, a chunked body is not.
    it('refuses a chunked body of 70 KB as application/json with 413', async () => {
      const body = JSON.stringify({ checks: { db: { timeoutMs: 150 } } }) + ' '.repeat(70_000);
      const res = await send(port, {
        path: '/v1/health/config',
        headers: { 'x-api-key': ADMIN, 'content-type': 'application/json' },
        body,
        chunked: true,
      });
      expect(res.status).toBe(413);
      const get = await send(port, {
        method: 'GET',
        path: '/v1/health/config',
        headers: { 'x-api-key': ADMIN },
      });
      expect(JSON.parse(get.text).version).toBe(1);
    });
  },
);
