import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchContext } from './context';
import type { Child } from './processes';
import { Child as ChildProcess, freePort, sleep, waitFor } from './processes';
import { HOST_ENV } from './servers';

/**
 * The built service inside the bench harness (bench/support/host.server.mjs): Express or
 * Fastify, with or without its health infrastructure, more checks, a static route, and IPC
 * commands (`bench:heap`, `bench:fill`, `bench:latency`).
 */
export interface HostOptions {
  /** Log-file name. */
  tag: string;
  platform?: 'express' | 'fastify';
  /** false: the same service without HealthModule, metrics, webhooks and the host's checks. */
  health?: boolean;
  extraChecks?: number;
  /** Adds `GET /bench/static`. */
  staticRoute?: boolean;
  /** Variables over HOST_ENV (the four checks, a placeholder AI key, no drain delay). */
  env?: Record<string, string>;
  /** `--expose-gc`, for heap samples after a full collection. */
  gc?: boolean;
}

export interface Host {
  child: Child;
  base: string;
}

export async function startHost(ctx: BenchContext, options: HostOptions): Promise<Host> {
  const port = await freePort();
  const preload = pathToFileURL(join(ctx.root, 'bench/support/preload.mjs')).href;
  const health = options.health ?? true;
  const child = ChildProcess.start({
    name: `${options.tag}-${port}`,
    command: process.execPath,
    args: [
      ...(options.gc ? ['--expose-gc'] : []),
      '--import',
      preload,
      join(ctx.root, 'bench/support/host.server.mjs'),
    ],
    cwd: ctx.root,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(port),
      ...(ctx.redis ? { REDIS_URL: ctx.redis.url } : {}),
      ...HOST_ENV,
      ...options.env,
      BENCH_API_DIR: ctx.apiDir,
      BENCH_PLATFORM: options.platform ?? 'express',
      BENCH_HEALTH: health ? 'on' : 'off',
      BENCH_EXTRA_CHECKS: String(options.extraChecks ?? 0),
      BENCH_STATIC: options.staticRoute ? '1' : '0',
    },
    logDir: ctx.logDir,
    ipc: true,
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    if (health) {
      await waitFor(`${base}/v1/health`, ({ status, body }) => cacheHealthy(status, body), child);
    } else {
      // Without health there is no endpoint that says Redis is connected: any answer, then a pause.
      await waitFor(`${base}/bench-not-found`, () => true, child);
      await sleep(1500);
    }
  } catch (error) {
    await child.stop();
    throw error;
  }
  return { child, base };
}

function cacheHealthy(status: number, body: string): boolean {
  try {
    return (
      status === 200 && (JSON.parse(body) as { cache_healthy?: boolean }).cache_healthy === true
    );
  } catch {
    return false;
  }
}

/** Sends a command over IPC and waits for the answer with the same id (its `type`). */
export function ask<T>(
  child: Child,
  message: { type: string; [key: string]: unknown },
  timeoutMs = 120_000,
): Promise<T> {
  const proc = child.process;
  const id = Math.random().toString(36).slice(2);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.off('message', onMessage);
      reject(new Error(`${child.name}: no answer to ${message.type} within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (raw: unknown) => {
      const answer = raw as { type?: string; id?: string; error?: string };
      if (answer?.id !== id) return;
      clearTimeout(timer);
      proc.off('message', onMessage);
      if (answer.type === `${message.type}:error`) {
        reject(new Error(`${child.name}: ${message.type} failed: ${answer.error}`));
      } else {
        resolve(answer as T);
      }
    };
    proc.on('message', onMessage);
    proc.send({ ...message, id });
  });
}

export interface HeapFigures {
  heapUsed: number;
  arrayBuffers: number;
  rss: number;
}

/** Memory after two full collections (the process needs `gc: true`). */
export async function heapOf(child: Child): Promise<HeapFigures> {
  const { heapUsed, arrayBuffers, rss } = await ask<HeapFigures>(child, { type: 'bench:heap' });
  return { heapUsed, arrayBuffers, rss };
}
