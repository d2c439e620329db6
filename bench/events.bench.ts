import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { request } from 'node:http';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PrivateRedis } from '../test/support/redis-server';

/**
 * Event stream fan-out (`GET /v1/health/events`) of the BUILT service (`npm run build` first),
 * its cache a private redis-server:
 * 1. 1,000 clients connect and read; a real transition (Redis SIGKILLed, then restarted) is timed
 *    from the report that showed it (`at` in the event) to its arrival at each client, 10 times.
 *    Target: every client within 1 s.
 * 2. The 1,001st client is refused (503): the default `maxClients` bound.
 * 3. 200 of the clients stop reading while 60 s of full evaluations are asked for over HTTP:
 *    report events stay at one a second, and the service's memory must not grow with them.
 * Each client connects from a loopback address of its own (127.1.x.y; 127.2.x.y for the stalled
 * ones): the service takes at most `maxClientsPerAddress` (20) from one address.
 * Memory is the service's own (heap used after a full GC, and RSS), over IPC through
 * bench/support/preload.mjs. Run with
 * `npx ts-node --transpile-only -r tsconfig-paths/register bench/events.bench.ts`.
 */
const ROOT = resolve(__dirname, '..');
const MAIN = join(ROOT, 'dist/apps/api/main.js');
const PRELOAD = join(ROOT, 'bench/support/preload.mjs');
const CLIENTS = Number(process.env.BENCH_EVENTS_CLIENTS ?? 1000);
const TRANSITIONS = Number(process.env.BENCH_EVENTS_TRANSITIONS ?? 10);
const STALLED = Number(process.env.BENCH_EVENTS_STALLED ?? 200);
const LOAD_S = Number(process.env.BENCH_EVENTS_LOAD_S ?? 60);
const TARGET_MS = 1000;

interface Memory {
  heapUsed: number;
  rss: number;
}

class Service {
  private output = '';
  url = '';
  private constructor(readonly child: ChildProcess) {
    child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
  }

  static async start(env: Record<string, string>): Promise<Service> {
    const child = spawn(process.execPath, ['--expose-gc', '--import', PRELOAD, MAIN], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', TZ: 'UTC', PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const service = new Service(child);
    for (let i = 0; i < 600; i++) {
      const match = /api listening on (http:\/\/\S+) /.exec(service.output);
      if (match) {
        service.url = match[1].replace('[::1]', '127.0.0.1');
        return service;
      }
      if (child.exitCode !== null) throw new Error(`service exited: ${service.output}`);
      await sleep(50);
    }
    throw new Error(`service did not start: ${service.output}`);
  }

  memory(): Promise<Memory> {
    const id = Math.random();
    return new Promise((resolve) => {
      const onMessage = (message: { type?: string; id?: number } & Memory) => {
        if (message?.type !== 'bench:heap' || message.id !== id) return;
        this.child.off('message', onMessage);
        resolve({ heapUsed: message.heapUsed, rss: message.rss });
      };
      this.child.on('message', onMessage);
      this.child.send({ type: 'bench:heap', id });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.child.kill('SIGKILL');
    await once(this.child, 'exit');
  }
}

/** One reading client: keeps the arrival time of each cache transition, by its target status. */
class Reader {
  readonly arrivals: { to: string; atMs: number; receivedMs: number }[] = [];
  reports = 0;
  private buffer = '';
  private constructor(
    readonly req: ClientRequest,
    readonly res: IncomingMessage,
  ) {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => this.read(chunk));
  }

  static open(url: string, localAddress: string): Promise<Reader> {
    return new Promise((resolve, reject) => {
      const req = request(`${url}/v1/health/events`, { agent: false, localAddress }, (res) => {
        if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode}`));
        else resolve(new Reader(req, res));
      });
      req.on('error', reject);
      req.end();
    });
  }

  private read(chunk: string): void {
    const receivedMs = performance.timeOrigin + performance.now();
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const frame = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      if (frame.includes('\nevent: report\n')) this.reports++;
      if (!frame.includes('\nevent: transition\n')) continue;
      const data = JSON.parse(frame.slice(frame.indexOf('data: ') + 6)) as {
        component: string | null;
        to: string;
        at: number;
      };
      if (data.component === 'cache') {
        this.arrivals.push({ to: data.to, atMs: data.at * 1000, receivedMs });
      }
    }
  }

  close(): void {
    this.req.destroy();
  }
}

async function stalled(url: string, localAddress: string): Promise<Socket> {
  const { port } = new URL(url);
  const socket = connect({ port: Number(port), host: '127.0.0.1', localAddress });
  await once(socket, 'connect');
  socket.on('error', () => undefined);
  socket.write(`GET /v1/health/events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
  socket.pause();
  return socket;
}

/** The `i`th address of the loopback network `127.<net>.0.0/16`. */
const loopback = (net: number, i: number) => `127.${net}.${Math.floor(i / 250)}.${(i % 250) + 1}`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const ms = (value: number) => value.toFixed(1);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Full evaluations asked for over HTTP, as fast as `connections` requests in a row allow. */
async function hammer(url: string, seconds: number, connections = 8): Promise<number> {
  const end = Date.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < end) {
        const res = await fetch(`${url}/v1/health/components`);
        await res.arrayBuffer();
        done++;
      }
    }),
  );
  return done;
}

async function main(): Promise<void> {
  if (!existsSync(MAIN)) throw new Error('dist/apps/api/main.js is missing: run npm run build');
  const redis = await PrivateRedis.start();
  const service = await Service.start({
    REDIS_URL: redis.url,
    HEALTH_EVALUATION_INTERVAL_MS: '1000',
    HEALTH_SHUTDOWN_DELAY_MS: '0',
    LOG_FORMAT: 'json',
  });
  const readers: Reader[] = [];
  try {
    console.log(`service ${service.url}, Node ${process.version}, ${os.cpus().length} CPUs`);
    await sleep(2000);
    const idle = await service.memory();

    const started = performance.now();
    for (let i = 0; i < CLIENTS; i += 50) {
      const batch = Math.min(50, CLIENTS - i);
      readers.push(
        ...(await Promise.all(
          Array.from({ length: batch }, (_, j) => Reader.open(service.url, loopback(1, i + j))),
        )),
      );
    }
    await until(() => readers.every((r) => r.reports > 0), 30_000, 'every snapshot');
    const connectMs = performance.now() - started;
    const connected = await service.memory();
    console.log(`${CLIENTS} clients connected in ${ms(connectMs)} ms`);

    const refused = await new Promise<number>((resolve) => {
      const localAddress = loopback(1, CLIENTS);
      request(`${service.url}/v1/health/events`, { agent: false, localAddress }, (res) => {
        resolve(res.statusCode ?? 0);
        res.destroy();
      }).end();
    });

    const rounds: { to: string; fanOutMs: number[]; killToAllMs: number }[] = [];
    for (let round = 0; round < TRANSITIONS; round++) {
      const to = round % 2 === 0 ? 'degraded' : 'healthy';
      const before = readers.map((r) => r.arrivals.length);
      const faultAt = performance.timeOrigin + performance.now();
      if (to === 'degraded') await redis.kill();
      else await redis.restart();
      await until(
        () => readers.every((r, i) => r.arrivals.length > before[i]),
        30_000,
        `transition ${round + 1} at every client`,
      );
      const arrivals = readers.map((r, i) => r.arrivals[before[i]]);
      const wrong = arrivals.filter((a) => a.to !== to).length;
      if (wrong > 0) throw new Error(`${wrong} clients saw a transition to another status`);
      const fanOutMs = arrivals.map((a) => a.receivedMs - a.atMs).sort((a, b) => a - b);
      const killToAllMs = Math.max(...arrivals.map((a) => a.receivedMs)) - faultAt;
      rounds.push({ to, fanOutMs, killToAllMs });
      console.log(
        `transition ${round + 1} (cache -> ${to}): report to client p50 ${ms(percentile(fanOutMs, 50))} ms, p99 ${ms(percentile(fanOutMs, 99))} ms, last ${ms(fanOutMs.at(-1)!)} ms; fault to last client ${ms(killToAllMs)} ms`,
      );
      await sleep(1500);
    }
    const afterTransitions = await service.memory();

    // Scenario 3: some clients stop reading while full evaluations are asked for over HTTP.
    for (const reader of readers.splice(0, STALLED)) reader.close();
    const stalledSockets = await Promise.all(
      Array.from({ length: STALLED }, (_, i) => stalled(service.url, loopback(2, i))),
    );
    await sleep(1000);
    const reportsBefore = readers[0].reports;
    const loadStart = await service.memory();
    const requests = await hammer(service.url, LOAD_S);
    const reportEvents = readers[0].reports - reportsBefore;
    const afterLoad = await service.memory();
    console.log(
      `${LOAD_S} s of load: ${requests} full evaluations over HTTP, ${reportEvents} report events to each reader; ${STALLED} clients not reading`,
    );

    const all = rounds.flatMap((r) => r.fanOutMs).sort((a, b) => a - b);
    const worst = Math.max(...rounds.map((r) => r.fanOutMs.at(-1)!));
    console.log('\n| measure | value |\n| --- | --- |');
    const row = (name: string, value: string) => console.log(`| ${name} | ${value} |`);
    row('clients connected (reading)', String(CLIENTS));
    row('connect all, each with its first report', `${ms(connectMs)} ms`);
    row(`client ${CLIENTS + 1}`, `HTTP ${refused}`);
    row('transitions timed', `${rounds.length} (Redis SIGKILL / restart)`);
    row(
      'report to client, all deliveries: p50 / p99',
      `${ms(percentile(all, 50))} / ${ms(percentile(all, 99))} ms`,
    );
    row(
      'report to the last client, worst transition',
      `${ms(worst)} ms (target < ${TARGET_MS} ms: ${worst < TARGET_MS ? 'met' : 'NOT met'})`,
    );
    row(
      'fault to the last client, median of transitions',
      `${ms(
        percentile(
          rounds.map((r) => r.killToAllMs).sort((a, b) => a - b),
          50,
        ),
      )} ms`,
    );
    row('service heap used / RSS, no client', `${mib(idle.heapUsed)} / ${mib(idle.rss)} MiB`);
    row(`with ${CLIENTS} clients`, `${mib(connected.heapUsed)} / ${mib(connected.rss)} MiB`);
    row(
      `after ${rounds.length} transitions`,
      `${mib(afterTransitions.heapUsed)} / ${mib(afterTransitions.rss)} MiB`,
    );
    row(
      `${STALLED} not reading, before ${LOAD_S} s of load`,
      `${mib(loadStart.heapUsed)} / ${mib(loadStart.rss)} MiB`,
    );
    row(
      `after the load (${requests} evaluations, ${reportEvents} report events)`,
      `${mib(afterLoad.heapUsed)} / ${mib(afterLoad.rss)} MiB`,
    );
    for (const socket of stalledSockets) socket.destroy();
    if (worst >= TARGET_MS) process.exitCode = 1;
  } finally {
    for (const reader of readers) reader.close();
    await service.stop();
    await redis.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
