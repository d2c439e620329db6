import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from './support/eventually';
import type { RunningService } from './support/service-process';
import { ServiceProcess } from './support/service-process';

const ADMIN = 'file-e2e-admin-key-0001';
/** Far above the service's own footprint, far below what reading /dev/zero reaches. */
const RSS_LIMIT_MB = 300;

type Config = { checks: Record<string, Record<string, { value: unknown; source: string }>> };

/**
 * The configuration file made hostile, on the built service: a named pipe, a /dev/zero symlink,
 * a file over the cap, a symlink to a file of secrets. Liveness keeps answering, memory stays
 * bounded, the last good configuration stays, and nothing read from the file reaches the log.
 */
describe('the built service with a hostile configuration file', () => {
  let dir: string;
  let file: string;
  const sentinels: NodeJS.Timeout[] = [];
  /** The highest resident memory seen of each service, in MB. */
  const highest = new Map<RunningService, number>();

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'health-hostile-'));
    file = join(dir, 'health.json');
  });
  afterEach(async () => {
    for (const sentinel of sentinels.splice(0)) clearInterval(sentinel);
    await ServiceProcess.killAll();
    rmSync(dir, { recursive: true, force: true });
  });

  const good = (timeoutMs: number): string =>
    JSON.stringify({ checks: { resilience: { timeoutMs } } });

  async function start(path = file): Promise<RunningService> {
    const service = await ServiceProcess.start({
      HEALTH_CONFIG_FILE: path,
      HEALTH_ADMIN_KEYS: ADMIN,
      HEALTH_SHUTDOWN_DELAY_MS: '0',
    });
    guard(service);
    return service;
  }

  /**
   * Watches the service's memory every 50 ms, and kills it as soon as it passes the limit: a
   * balloon (the old reading of /dev/zero) fails the test without taking the machine down.
   */
  function guard(service: RunningService): void {
    const pid = service.child.pid!;
    const sentinel = setInterval(() => {
      let rss: number;
      try {
        rss = rssMb(pid);
      } catch {
        return; // exited
      }
      highest.set(service, Math.max(highest.get(service) ?? 0, rss));
      if (rss > RSS_LIMIT_MB) service.child.kill('SIGKILL');
    }, 50);
    sentinels.push(sentinel);
  }

  /** Puts what `make` creates in place of the file at once, as `mv` does. */
  function replaceFile(make: (path: string) => void): void {
    const next = join(dir, `next-${Math.random()}`);
    make(next);
    renameSync(next, file);
  }

  async function live(url: string): Promise<number> {
    // A bound on a hang, not a speed test: a blocked event loop never answers.
    const res = await fetch(`${url}/v1/health/live`, { signal: AbortSignal.timeout(5000) });
    return res.status;
  }

  async function resilienceTimeout(url: string): Promise<unknown> {
    const res = await fetch(`${url}/v1/health/config`, {
      headers: { 'x-api-key': ADMIN },
      signal: AbortSignal.timeout(5000),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as Config).checks.resilience.timeoutMs;
  }

  function rssMb(pid: number): number {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)![1]) / 1024;
  }

  /**
   * Waits until the log has said `pattern` `times` times, then a little more, while liveness
   * answers every time it is asked and the memory stays under the limit.
   */
  async function whileRefusing(service: RunningService, pattern: RegExp, times = 1): Promise<void> {
    const said = (): boolean =>
      service
        .output()
        .split('\n')
        .filter((line) => pattern.test(line)).length >= times;
    await eventually(
      async () => {
        expect(await live(service.url)).toBe(200);
        return said();
      },
      { timeoutMs: 15_000, intervalMs: 100, message: () => `${pattern}\n${service.output()}` },
    );
    // And afterwards, repeatedly (the file is polled every second).
    for (let i = 0; i < 15; i++) {
      expect(await live(service.url)).toBe(200);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(highest.get(service)).toBeLessThan(RSS_LIMIT_MB);
  }

  /** Runs the built service with the file and waits for its exit (killed after 15 s). */
  function startAndExit(path: string): Promise<{ code: number | null; output: string }> {
    return ServiceProcess.startupFailure({ HEALTH_CONFIG_FILE: path });
  }

  it('(a) a named pipe put in place of a good file: liveness answers, a warning names it, the last good values stay, SIGTERM exits', async () => {
    writeFileSync(file, good(1500));
    const service = await start();
    expect(await resilienceTimeout(service.url)).toEqual({ value: 1500, source: 'file' });

    replaceFile((path) => execFileSync('mkfifo', [path]));
    await whileRefusing(
      service,
      /not applied, keeping version \d+: a named pipe, not a regular file/,
    );
    expect(service.output()).toContain(`configuration file ${file} not applied`);
    expect(await resilienceTimeout(service.url)).toEqual({ value: 1500, source: 'file' });

    expect((await service.stop()).code).toBe(0);
  }, 40000);

  it('(b) a symlink to /dev/zero: refused as a character device, memory stays bounded', async () => {
    writeFileSync(file, good(1500));
    const service = await start();
    replaceFile((path) => symlinkSync('/dev/zero', path));
    await whileRefusing(service, /: a character device, not a regular file/);
    expect(highest.get(service)).toBeGreaterThan(0);
    expect(await resilienceTimeout(service.url)).toEqual({ value: 1500, source: 'file' });
  }, 40000);

  it('(c) a 2 MB valid JSON file: refused naming the 1 MiB cap', async () => {
    writeFileSync(file, good(1500));
    const service = await start();
    replaceFile((path) => writeFileSync(path, good(900).padEnd(2 * 1024 * 1024, ' ')));
    await whileRefusing(
      service,
      /: 2097152 bytes, over the 1 MiB cap of a JSON configuration file/,
    );
    expect(await resilienceTimeout(service.url)).toEqual({ value: 1500, source: 'file' });
  }, 40000);

  it('(d) started with a named pipe as the file: exits at once with one line naming it and its kind', async () => {
    execFileSync('mkfifo', [file]);
    const { code, output } = await startAndExit(file);
    expect(code).toBe(1);
    const lines = output.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`HEALTH_CONFIG_FILE: "${file}"`);
    expect(lines[0]).toContain('a named pipe, not a regular file');
  }, 40000);

  it.each(['health.json', 'health.yaml'])(
    '(e) %s symlinked to a file of secrets: nothing read from it reaches the log',
    async (name) => {
      file = join(dir, name);
      const shadow = join(dir, 'shadow');
      const env = join(dir, '.env');
      writeFileSync(shadow, 'root:*:20200:0:99999:7:::\n');
      writeFileSync(env, 'GEMINI_API_KEY=AIzaSECRETMARK\n');

      // At startup: refused, saying nothing of the content.
      for (const secrets of [shadow, env]) {
        rmSync(file, { force: true });
        symlinkSync(secrets, file);
        const { code, output } = await startAndExit(file);
        expect(code).toBe(1);
        expect(output).toContain(`HEALTH_CONFIG_FILE: "${file}"`);
        expect(output).not.toContain('root:*');
        expect(output).not.toContain('SECRETMARK');
      }

      // While running: each refused and counted, never quoted.
      rmSync(file);
      writeFileSync(
        file,
        name.endsWith('.yaml') ? 'checks: { resilience: { timeoutMs: 1500 } }' : good(1500),
      );
      const service = await start();
      for (const [index, secrets] of [shadow, env].entries()) {
        replaceFile((path) => symlinkSync(secrets, path));
        await whileRefusing(service, /not applied, keeping version/, index + 1);
      }
      expect(service.output()).not.toContain('root:*');
      expect(service.output()).not.toContain('SECRETMARK');
      expect(await resilienceTimeout(service.url)).toEqual({ value: 1500, source: 'file' });
    },
    60000,
  );
});
