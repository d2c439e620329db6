import { spawn } from 'node:child_process';
import { once } from 'node:events';

/** What one autocannon run measured. Latencies in ms. */
export interface LoadResult {
  url: string;
  connections: number;
  durationS: number;
  /** Mean of autocannon's per-second request counts ("Req/Sec avg"). */
  rps: number;
  requests: number;
  ok2xx: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  p50: number;
  p99: number;
  max: number;
  bytesPerRequest: number;
}

export interface LoadOptions {
  url: string;
  connections: number;
  durationS: number;
  /** Overall requests per second (autocannon `-R`); unset: as fast as the server answers. */
  rate?: number;
  /** Per-request timeout in seconds (autocannon `-t`). */
  timeoutS?: number;
}

const AUTOCANNON = require.resolve('autocannon/autocannon.js');

interface AutocannonJson {
  duration: number;
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; max: number };
  throughput: { total: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
}

/**
 * Runs autocannon in a process of its own (loopback URLs only), bounded in time: it is killed
 * if it has not finished 30 s after its duration.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { hostname } = new URL(options.url);
  if (hostname !== '127.0.0.1') throw new Error(`load is for loopback only, not ${hostname}`);
  const args = [
    AUTOCANNON,
    '--json',
    '--no-progress',
    '-c',
    String(options.connections),
    '-d',
    String(options.durationS),
    '-t',
    String(options.timeoutS ?? 10),
    ...(options.rate ? ['-R', String(options.rate)] : []),
    options.url,
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  const killer = setTimeout(() => child.kill('SIGKILL'), (options.durationS + 30) * 1000);
  try {
    const [code] = (await once(child, 'exit')) as [number | null];
    const text = Buffer.concat(stdout).toString('utf8').trim();
    if (code !== 0 || !text) {
      throw new Error(`autocannon exited ${code}: ${Buffer.concat(stderr).toString('utf8')}`);
    }
    const json = JSON.parse(text.slice(text.indexOf('{'))) as AutocannonJson;
    const requests = json.requests.total;
    return {
      url: options.url,
      connections: options.connections,
      durationS: json.duration,
      rps: json.requests.average,
      requests,
      ok2xx: json['2xx'],
      non2xx: json.non2xx,
      errors: json.errors,
      timeouts: json.timeouts,
      p50: json.latency.p50,
      p99: json.latency.p99,
      max: json.latency.max,
      bytesPerRequest: requests > 0 ? Math.round(json.throughput.total / requests) : 0,
    };
  } finally {
    clearTimeout(killer);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/** What an open-ended load did until it was stopped. */
export interface OpenLoadResult {
  connections: number;
  durationS: number;
  rps: number;
  requests: number;
  p99: number;
  failures: number;
}

interface AutocannonInstance {
  stop(): void;
}
type Autocannon = (
  options: Record<string, unknown>,
  done: (error: Error | null, result: AutocannonJson) => void,
) => AutocannonInstance;

/**
 * Load with no fixed end (loopback only), for as long as a measurement takes: autocannon run
 * from this process, stopped by `stop()`, which answers what it did.
 */
export function startLoad(url: string, connections: number): { stop(): Promise<OpenLoadResult> } {
  const { hostname } = new URL(url);
  if (hostname !== '127.0.0.1') throw new Error(`load is for loopback only, not ${hostname}`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const autocannon = require('autocannon') as Autocannon;
  let settle: (result: OpenLoadResult) => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  const finished = new Promise<OpenLoadResult>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  const instance = autocannon({ url, connections, duration: 3600, timeout: 10 }, (error, json) => {
    if (error) return fail(error);
    settle({
      connections,
      durationS: json.duration,
      rps: json.requests.average,
      requests: json.requests.total,
      p99: json.latency.p99,
      failures: json.non2xx + json.errors + json.timeouts,
    });
  });
  return {
    stop: () => {
      instance.stop();
      return finished;
    },
  };
}
