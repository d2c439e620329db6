import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { BlackHole } from './support/black-hole';
import { eventually } from './support/eventually';
import { databaseUrlOnPort, testDatabase } from './support/postgres';
import { PrivateRedis } from './support/redis-server';
import type { RunningService } from './support/service-process';
import { ServiceProcess } from './support/service-process';

/**
 * Readiness (`GET /v1/health/ready`) of the BUILT service (`dist/apps/api/main.js`, built by the
 * global setup) under real faults: a database and an AI provider that accept connections and
 * never answer (a black hole), a Redis that hangs (SIGSTOP) and one that dies (SIGKILL). Each
 * fault ends during the test and the same process must come back without a restart.
 *
 * The probe budget is the default (800 ms). The evaluation runs every 200 ms so that recovery is
 * seen quickly; check timeouts are lowered only where the value does not change what is tested.
 */
const BUDGET_MS = 800;
/** A probe that answered from the last known state did not wait for a check's timeout. */
const ANSWERED_WITHIN_MS = 1500;
/** The real PostgreSQL the database fault ends on: TEST_DATABASE_URL, or the global setup's. */
const POSTGRES = testDatabase();
const KEY = 'k-probe-faults-1234';

type Service = RunningService;

interface Answer {
  status: number;
  text: string;
  ms: number;
}

/** Everything a test started, released after it whatever happened (last started, first). */
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  const errors: unknown[] = [];
  for (const cleanup of cleanups.splice(0).reverse()) {
    try {
      await cleanup();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length) throw errors[0];
});

async function blackHole(): Promise<BlackHole> {
  const hole = await BlackHole.start();
  cleanups.push(() => hole.close());
  return hole;
}

async function privateRedis(): Promise<PrivateRedis> {
  const redis = await PrivateRedis.start();
  // stop() sends SIGCONT first: a stopped Redis is never left behind.
  cleanups.push(() => redis.stop());
  return redis;
}

/** Starts the built service with exactly this environment (plus the test's defaults). */
async function startService(env: Record<string, string>): Promise<Service> {
  const service = await ServiceProcess.start({
    HEALTH_SHUTDOWN_DELAY_MS: '0',
    HEALTH_EVALUATION_INTERVAL_MS: '200',
    ...env,
  });
  cleanups.push(() => service.kill());
  return service;
}

async function get(service: Service, path: string): Promise<Answer> {
  const started = performance.now();
  const res = await fetch(`${service.url}${path}`);
  const text = await res.text();
  return { status: res.status, text, ms: performance.now() - started };
}

const ready = (service: Service) => get(service, '/v1/health/ready?verbose');

async function legacy(service: Service): Promise<Record<string, unknown>> {
  const res = await get(service, '/v1/health');
  expect(res.status).toBe(200);
  return JSON.parse(res.text) as Record<string, unknown>;
}

/** Waits for the first full evaluation to have finished (the startup probe's answer). */
async function started(service: Service): Promise<void> {
  await eventually(() => get(service, '/v1/health/startup'), {
    until: (answer) => answer.status === 200,
  });
}

/** One readiness line: `[+]cache ok (checked 0.1 s ago)` -> `+cache ok`. */
function line(answer: Answer, name: string): string | undefined {
  const match = new RegExp(`^\\[([+-])\\]${name} ([^(\\n]+?)(?: \\(checked [^)]*\\))?$`, 'm').exec(
    answer.text,
  );
  return match ? `${match[1]}${name} ${match[2]}` : undefined;
}

/** Answered from the last known state once the default budget was spent. */
const stale = (answer: Answer) =>
  answer.text.includes(`evaluation still running after ${BUDGET_MS} ms: last known state`);

/** Sequential readiness requests for `ms` (at least `min` of them). */
async function probeFor(service: Service, ms: number, min: number): Promise<Answer[]> {
  const answers: Answer[] = [];
  const end = performance.now() + ms;
  while (performance.now() < end || answers.length < min) answers.push(await ready(service));
  return answers;
}

async function postgresAnswers(): Promise<boolean> {
  const client = new Client({
    connectionString: POSTGRES.url,
    connectionTimeoutMillis: 2000,
  });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

describe('readiness of the built service under real faults (default probe budget 800 ms)', () => {
  it('DATABASE_URL into a black hole: 503 naming database while /v1/health stays 200 degraded; 200 again once the database answers, same process', async () => {
    expect(await postgresAnswers()).toBe(true);
    const hole = await blackHole();
    const service = await startService({
      // The black hole's port, later forwarded to the real PostgreSQL (same user and database).
      DATABASE_URL: databaseUrlOnPort(POSTGRES, hole.port),
      GEMINI_API_KEY: KEY,
      HEALTH_CHECK_TIMEOUT_MS: '1000',
    });
    await started(service);
    expect(hole.accepted).toBeGreaterThan(0);

    const notReady = await ready(service);
    expect(notReady.status).toBe(503);
    expect(line(notReady, 'database')).toMatch(/^-database failed: (timed out|no answer yet)$/);
    expect(line(notReady, 'cache')).toBe('+cache ok');
    expect(line(notReady, 'ai_model')).toBe('+ai_model ok');
    expect(notReady.text).toContain('readiness check failed');
    // Without ?verbose, a failure still names the check.
    const plain = await get(service, '/v1/health/ready');
    expect(plain.status).toBe(503);
    expect(plain.text).toMatch(/^\[-\]database failed/m);
    // The legacy contract: always 200, the timed-out database makes it "degraded".
    expect(await legacy(service)).toMatchObject({
      status: 'degraded',
      ai_model_available: true,
      resilience_healthy: true,
      cache_healthy: true,
    });

    // The fault ends: the same address now leads to the real PostgreSQL.
    hole.forwardTo(POSTGRES.port);
    const back = await eventually(() => ready(service), {
      until: (answer) => answer.status === 200,
    });
    expect(line(back, 'database')).toBe('+database ok');
    expect(back.text).toContain('readiness check passed');
    expect(await legacy(service)).toMatchObject({ status: 'healthy' });
    expect(service.child.exitCode).toBeNull();
  }, 30_000);

  it('GEMINI_BASE_URL into a black hole (probe mode): 503 naming ai_model; /v1/health still 200', async () => {
    const hole = await blackHole();
    const service = await startService({
      GEMINI_BASE_URL: `http://127.0.0.1:${hole.port}`,
      GEMINI_API_KEY: KEY,
      HEALTH_CHECK_AI_MODEL_PROBE: 'true',
      HEALTH_CHECK_TIMEOUT_MS: '1000',
    });
    await started(service);
    expect(hole.accepted).toBeGreaterThan(0); // the probe did reach the "provider"

    const notReady = await ready(service);
    expect(notReady.status).toBe(503);
    expect(line(notReady, 'ai_model')).toMatch(/^-ai_model failed: (timed out|no answer yet)$/);
    expect(line(notReady, 'cache')).toBe('+cache ok');
    expect(line(notReady, 'resilience')).toBe('+resilience ok');
    expect(await legacy(service)).toMatchObject({
      status: 'degraded',
      ai_model_available: false,
      resilience_healthy: true,
      cache_healthy: true,
    });
  }, 30_000);

  it('Redis SIGSTOPped (defaults: command timeout 1 s < check timeout 2 s): every answer within the budget, from the last known state; cache degraded by its verdict, so still ready; ok after SIGCONT', async () => {
    const redis = await privateRedis();
    const service = await startService({ REDIS_URL: redis.url, GEMINI_API_KEY: KEY });
    await eventually(() => ready(service), {
      until: (answer) => answer.status === 200 && line(answer, 'cache') === '+cache ok',
    });

    redis.pause();
    const answers = await probeFor(service, 3500, 6);
    redis.resume();

    for (const answer of answers) expect(answer.ms).toBeLessThan(ANSWERED_WITHIN_MS);
    // The hung PING lasts 1 s, longer than the budget: some answers had to come from the last
    // known state instead of waiting; and the cache's own verdict (DEGRADED, serving from
    // memory) passes readiness.
    expect(answers.some(stale)).toBe(true);
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    expect(answers.some((a) => line(a, 'cache') === '+cache degraded')).toBe(true);

    const back = await eventually(() => ready(service), {
      until: (answer) => answer.status === 200 && line(answer, 'cache') === '+cache ok',
    });
    expect(stale(back)).toBe(false);
    expect(await legacy(service)).toMatchObject({ cache_healthy: true });
  }, 30_000);

  it('Redis SIGSTOPped past the check timeout (command timeout 5 s, cache timeout 1 s): 503 "timed out", every answer within the budget; 200 after SIGCONT', async () => {
    const redis = await privateRedis();
    const service = await startService({
      REDIS_URL: redis.url,
      GEMINI_API_KEY: KEY,
      REDIS_COMMAND_TIMEOUT_MS: '5000',
      HEALTH_CHECK_CACHE_TIMEOUT_MS: '1000',
    });
    await eventually(() => ready(service), {
      until: (answer) => answer.status === 200 && line(answer, 'cache') === '+cache ok',
    });

    redis.pause();
    const answers = await probeFor(service, 3500, 6);
    // The legacy endpoint waits for its evaluation (the cache timeout), and still answers 200.
    const legacyBody = await legacy(service);
    redis.resume();

    for (const answer of answers) expect(answer.ms).toBeLessThan(ANSWERED_WITHIN_MS);
    expect(answers.some(stale)).toBe(true);
    // Ready until the first PING has timed out (last known: ok), then not ready, naming cache.
    const failing = answers.filter((a) => a.status === 503);
    expect(failing.length).toBeGreaterThan(0);
    for (const answer of failing) expect(line(answer, 'cache')).toBe('-cache failed: timed out');
    expect(answers.at(-1)!.status).toBe(503);
    expect(legacyBody).toMatchObject({ status: 'degraded', cache_healthy: false });

    const back = await eventually(() => ready(service), {
      until: (answer) => answer.status === 200,
    });
    expect(line(back, 'cache')).toBe('+cache ok');
    expect(service.child.exitCode).toBeNull();
  }, 30_000);

  it('Redis killed: cache DEGRADED by its own verdict ("Redis unavailable, serving from memory"), still ready, legacy cache_healthy false; cache_healthy true after a restart of Redis, same process', async () => {
    const redis = await privateRedis();
    const service = await startService({
      REDIS_URL: redis.url,
      GEMINI_API_KEY: KEY,
      HEALTH_DETAILS: 'always',
    });
    await eventually(() => legacy(service), {
      until: (body) => body.cache_healthy === true,
    });

    await redis.kill();
    await eventually(() => legacy(service), {
      until: (body) => body.cache_healthy === false,
    });
    const cache = JSON.parse((await get(service, '/v1/health/components/cache')).text) as {
      status: string;
      message: string;
    };
    expect(cache).toMatchObject({
      status: 'degraded',
      message: 'Redis unavailable, serving from memory',
    });
    const stillReady = await ready(service);
    expect(stillReady.status).toBe(200);
    expect(line(stillReady, 'cache')).toBe('+cache degraded');
    expect(await legacy(service)).toMatchObject({ status: 'degraded', cache_healthy: false });

    await redis.restart();
    await eventually(() => legacy(service), {
      until: (body) => body.cache_healthy === true,
    });
    const back = await ready(service);
    expect(back.status).toBe(200);
    expect(line(back, 'cache')).toBe('+cache ok');
    expect(service.child.exitCode).toBeNull();
  }, 30_000);
});
