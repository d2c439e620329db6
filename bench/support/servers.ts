import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchContext } from './context';
import type { HttpAnswer } from './processes';
import { Child, freePort, waitFor } from './processes';
import { STATIC_PATH } from './static.constants';

/**
 * The servers under load, each a child process on its own free loopback port:
 * - `ours`: the built service (`dist/apps/api/main.js`), `GET /v1/health`;
 * - `ours-ttl`: the same with `HEALTH_CHECK_RESULT_TTL_MS=1000`;
 * - `terminus`: bench/terminus/app.mjs, the same four checks through @nestjs/terminus 12;
 * - `terminus-cache`: the same with every check `cacheFor(1000)`;
 * - `static`: the host's AppModule plus a fixed-body route (bench/support/static.server.mjs).
 */
export const VARIANTS = ['ours', 'ours-ttl', 'terminus', 'terminus-cache', 'static'] as const;
export type Variant = (typeof VARIANTS)[number];

export const LABELS: Record<Variant, string> = {
  ours: 'ours, default settings',
  'ours-ttl': 'ours, HEALTH_CHECK_RESULT_TTL_MS=1000',
  terminus: 'Terminus 12, plain',
  'terminus-cache': 'Terminus 12, cacheFor(1000)',
  static: 'static JSON, same Nest app',
};

/** The host's settings for every run: the four checks, a placeholder AI key (config mode). */
export const HOST_ENV = {
  NODE_ENV: 'production',
  HEALTH_CHECK_ENABLED_COMPONENTS: 'ai_model,cache,resilience,runtime',
  GEMINI_API_KEY: 'bench-placeholder-not-a-key',
  // Stop at once on SIGTERM (the drain delay only slows the benchmark down).
  HEALTH_SHUTDOWN_DELAY_MS: '0',
};

export interface Server {
  variant: Variant;
  child: Child;
  base: string;
  /** The path under load. */
  path: string;
  /** A path that runs no check (the hang scenario's probe); none for `static`. */
  livePath: string;
}

export interface StartServerOptions {
  /** Start with `--expose-gc` and an IPC channel for heap samples (memory scenario). */
  heapProbe?: boolean;
  /** Extra log-file suffix (round, phase). */
  tag?: string;
  /** The Terminus anchor's HTTP platform (`TERMINUS_PLATFORM`); Express by default. */
  platform?: 'express' | 'fastify';
}

export async function startServer(
  ctx: BenchContext,
  variant: Variant,
  options: StartServerOptions = {},
): Promise<Server> {
  if (!ctx.redis) throw new Error('the HTTP scenarios need the private redis-server');
  const port = await freePort();
  const preload = pathToFileURL(join(ctx.root, 'bench/support/preload.mjs')).href;
  const nodeArgs = [...(options.heapProbe ? ['--expose-gc'] : []), '--import', preload];
  const common = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PORT: String(port),
    REDIS_URL: ctx.redis.url,
  };
  const terminus = variant === 'terminus' || variant === 'terminus-cache';
  const launch = terminus
    ? {
        args: [...nodeArgs, 'app.mjs'],
        cwd: join(ctx.root, 'bench/terminus'),
        env: {
          ...common,
          NODE_ENV: HOST_ENV.NODE_ENV,
          GEMINI_API_KEY: HOST_ENV.GEMINI_API_KEY,
          TERMINUS_CACHE_TTL_MS: variant === 'terminus-cache' ? '1000' : '0',
          TERMINUS_PLATFORM: options.platform ?? 'express',
        },
      }
    : {
        args:
          variant === 'static'
            ? [...nodeArgs, 'bench/support/static.server.mjs']
            : [...nodeArgs, join(ctx.apiDir, 'main.js')],
        cwd: ctx.root,
        env: {
          ...common,
          ...HOST_ENV,
          ...(variant === 'ours-ttl' ? { HEALTH_CHECK_RESULT_TTL_MS: '1000' } : {}),
          ...(variant === 'static' ? { BENCH_API_DIR: ctx.apiDir } : {}),
        },
      };
  const child = Child.start({
    name: `${variant}${options.platform === 'fastify' ? '-fastify' : ''}${options.tag ? `-${options.tag}` : ''}-${port}`,
    command: process.execPath,
    logDir: ctx.logDir,
    ipc: options.heapProbe,
    ...launch,
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitFor(`${base}/v1/health`, terminus ? terminusReady : oursReady, child);
  } catch (error) {
    await child.stop();
    throw error;
  }
  return {
    variant,
    child,
    base,
    path: variant === 'static' ? STATIC_PATH : '/v1/health',
    livePath: '/v1/health/live',
  };
}

/** Ready once Redis is connected: the legacy body says the cache is healthy. */
function oursReady({ status, body }: HttpAnswer): boolean {
  return status === 200 && (JSON.parse(body) as { cache_healthy?: boolean }).cache_healthy === true;
}

function terminusReady({ status, body }: HttpAnswer): boolean {
  const result = JSON.parse(body) as { status?: string; details?: { cache?: { status?: string } } };
  return status === 200 && result.status === 'ok' && result.details?.cache?.status === 'up';
}

/** Asks the server (started with `heapProbe`) for its memory after a full collection. */
export function heapSample(
  server: Server,
  timeoutMs = 15_000,
): Promise<{ heapUsed: number; heapTotal: number; rss: number }> {
  const proc = server.child.process;
  const id = Math.random().toString(36).slice(2);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.off('message', onMessage);
      reject(new Error(`${server.variant}: no heap sample within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (message: unknown) => {
      const m = message as {
        type?: string;
        id?: string;
        heapUsed: number;
        heapTotal: number;
        rss: number;
      };
      if (m?.type !== 'bench:heap' || m.id !== id) return;
      clearTimeout(timer);
      proc.off('message', onMessage);
      resolve({ heapUsed: m.heapUsed, heapTotal: m.heapTotal, rss: m.rss });
    };
    proc.on('message', onMessage);
    proc.send({ type: 'bench:heap', id });
  });
}
