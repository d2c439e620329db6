import type { ChildProcess } from 'node:child_process';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findOnPath } from './binaries';
import { eventually } from './eventually';
import { accepts } from './local-process';
import { freePort } from './redis-server';

const run = promisify(execFile);

/** A server the test run started itself, on a free 127.0.0.1 port, in a temp folder of its own. */
export interface PrivateServer {
  readonly url: string;
  stop(): Promise<void>;
}

/** Waits until something accepts a TCP connection on `port`, or throws after `timeoutMs`. */
function listensWithin(port: number, timeoutMs: number, what: string): Promise<unknown> {
  return eventually(() => accepts(port), {
    timeoutMs,
    intervalMs: 200,
    message: `${what} to listen on ${port}`,
  });
}

async function killAndWait(child: ChildProcess | number | undefined): Promise<void> {
  if (child === undefined) return;
  if (typeof child === 'number') {
    try {
      process.kill(child, 'SIGTERM');
    } catch {
      return; // already gone
    }
    for (let i = 0; i < 100; i++) {
      try {
        process.kill(child, 0);
      } catch {
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    process.kill(child, 'SIGKILL');
    return;
  }
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

const isRoot = () => process.getuid?.() === 0;

/**
 * A MariaDB of the run's own (`mariadb-install-db` then `mariadbd`, from Debian's
 * `mariadb-server`): root without a password, database `test`, as the machine's is.
 */
export async function startPrivateMariadb(): Promise<PrivateServer> {
  const mariadbd = findOnPath('mariadbd') ?? findOnPath('mysqld');
  const install = findOnPath('mariadb-install-db') ?? findOnPath('mysql_install_db');
  if (!mariadbd || !install) throw new Error('mariadbd and mariadb-install-db (mariadb-server)');
  const dir = mkdtempSync(join(tmpdir(), 'test-mariadb-'));
  chmodSync(dir, 0o755);
  const user = isRoot() ? 'root' : userInfo().username;
  await run(install, [
    '--no-defaults',
    `--datadir=${join(dir, 'data')}`,
    '--auth-root-authentication-method=normal',
    `--user=${user}`,
  ]);
  const port = await freePort();
  const child = spawn(
    mariadbd,
    [
      '--no-defaults',
      `--datadir=${join(dir, 'data')}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--socket=${join(dir, 'mysqld.sock')}`,
      `--pid-file=${join(dir, 'mysqld.pid')}`,
      '--skip-log-bin',
      '--innodb-buffer-pool-size=16M',
      ...(isRoot() ? ['--user=root'] : []),
    ],
    { stdio: 'ignore' },
  );
  const stop = async () => {
    await killAndWait(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await listensWithin(port, 30_000, 'mariadbd');
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `mysql://root@127.0.0.1:${port}/test`, stop };
}

/**
 * A RabbitMQ node of the run's own (`rabbitmq-server`, from Debian's package; guest/guest on
 * loopback). As root the script runs the node as the `rabbitmq` user, who must own its folder.
 */
export async function startPrivateRabbitmq(): Promise<PrivateServer> {
  const server = findOnPath('rabbitmq-server');
  if (!server) throw new Error('rabbitmq-server (rabbitmq-server)');
  const dir = mkdtempSync(join(tmpdir(), 'test-rabbitmq-'));
  chmodSync(dir, 0o755);
  if (isRoot()) {
    const { stdout } = await run('id', ['-u', 'rabbitmq']).catch(() => ({ stdout: '' }));
    const { stdout: group } = await run('id', ['-g', 'rabbitmq']).catch(() => ({ stdout: '' }));
    if (stdout.trim()) chownSync(dir, Number(stdout), Number(group || stdout));
  }
  const [port, distPort] = [await freePort(), await freePort()];
  const pidFile = join(dir, 'rabbit.pid');
  const child = spawn(server, [], {
    cwd: dir,
    stdio: 'ignore',
    env: {
      ...process.env,
      RABBITMQ_NODENAME: `test${port}@localhost`,
      RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
      RABBITMQ_NODE_PORT: String(port),
      RABBITMQ_DIST_PORT: String(distPort),
      RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
      RABBITMQ_LOG_BASE: join(dir, 'log'),
      RABBITMQ_FEATURE_FLAGS_FILE: join(dir, 'feature_flags'),
      RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
      RABBITMQ_CONFIG_FILE: join(dir, 'none'),
      RABBITMQ_ADVANCED_CONFIG_FILE: join(dir, 'advanced.config'),
      RABBITMQ_PID_FILE: pidFile,
      ERL_CRASH_DUMP: join(dir, 'erl_crash.dump'),
    },
  });
  const stop = async () => {
    // The script may have handed over to the node (beam), whose pid is in the pid file.
    let beam: number | undefined;
    try {
      beam = Number(readFileSync(pidFile, 'utf8').trim()) || undefined;
    } catch {
      beam = undefined;
    }
    await killAndWait(beam);
    await killAndWait(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await listensWithin(port, 60_000, 'rabbitmq-server');
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `amqp://guest:guest@127.0.0.1:${port}`, stop };
}
