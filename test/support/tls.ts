import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { eventually } from './eventually';
import { freePort } from './redis-server';

/** Paths of one certificate and its key, PEM. */
export interface CertificateFiles {
  cert: string;
  key: string;
}

/** A CA of the test's own, able to sign server and client certificates. */
export interface TestCa extends CertificateFiles {
  name: string;
}

/**
 * Certificates made with `openssl` in a temporary folder of their own: CAs, server certificates
 * for `localhost`/`127.0.0.1`/`::1` and client certificates, signed by one of the CAs. EC keys:
 * generated in milliseconds. `remove()` deletes the folder.
 */
export class TestCertificates {
  readonly dir = mkdtempSync(join(tmpdir(), 'tls-test-'));
  private serial = 1;

  constructor() {
    writeFileSync(
      join(this.dir, 'openssl.cnf'),
      [
        '[req]',
        'distinguished_name = dn',
        'prompt = no',
        '[dn]',
        'CN = unused',
        '[ca]',
        'basicConstraints = critical,CA:TRUE',
        'keyUsage = critical,keyCertSign,cRLSign',
        'subjectKeyIdentifier = hash',
        '[server]',
        'basicConstraints = CA:FALSE',
        'keyUsage = critical,digitalSignature,keyEncipherment',
        'extendedKeyUsage = serverAuth',
        'subjectAltName = DNS:localhost,IP:127.0.0.1,IP:::1',
        'authorityKeyIdentifier = keyid',
        '[client]',
        'basicConstraints = CA:FALSE',
        'keyUsage = critical,digitalSignature,keyEncipherment',
        'extendedKeyUsage = clientAuth',
        'authorityKeyIdentifier = keyid',
        '',
      ].join('\n'),
    );
  }

  /** A self-signed CA named `name` (files `<name>.crt`, `<name>.key`). */
  ca(name: string): TestCa {
    const files = this.files(name);
    this.openssl([
      'req',
      '-x509',
      '-new',
      '-nodes',
      ...this.ecKey(files.key),
      '-out',
      files.cert,
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-config',
      this.config,
      '-extensions',
      'ca',
    ]);
    return { name, ...files };
  }

  /** A server certificate for localhost, 127.0.0.1 and ::1, signed by `ca`. */
  server(name: string, ca: TestCa): CertificateFiles {
    return this.signed(name, ca, 'server', '/CN=localhost');
  }

  /** A client certificate, signed by `ca`. */
  client(name: string, ca: TestCa): CertificateFiles {
    return this.signed(name, ca, 'client', `/CN=${name}`);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private signed(
    name: string,
    ca: TestCa,
    extensions: 'server' | 'client',
    subject: string,
  ): CertificateFiles {
    const files = this.files(name);
    const csr = join(this.dir, `${name}.csr`);
    this.openssl([
      'req',
      '-new',
      '-nodes',
      ...this.ecKey(files.key),
      '-out',
      csr,
      '-subj',
      subject,
      '-config',
      this.config,
    ]);
    this.openssl([
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      ca.cert,
      '-CAkey',
      ca.key,
      '-set_serial',
      String(this.serial++),
      '-days',
      '2',
      '-out',
      files.cert,
      '-extfile',
      this.config,
      '-extensions',
      extensions,
    ]);
    return files;
  }

  private get config(): string {
    return join(this.dir, 'openssl.cnf');
  }

  private files(name: string): CertificateFiles {
    return { cert: join(this.dir, `${name}.crt`), key: join(this.dir, `${name}.key`) };
  }

  private ecKey(keyPath: string): string[] {
    return ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-keyout', keyPath];
  }

  private openssl(args: string[]): void {
    execFileSync('openssl', args, { cwd: this.dir, stdio: 'pipe' });
  }
}

export interface TlsRedisOptions {
  server: CertificateFiles;
  /** The CA that signed the server certificate and any client certificate. */
  ca: TestCa;
  password: string;
  /** `yes`: clients must present a certificate signed by `ca`; `optional`: they may. */
  authClients: 'yes' | 'optional';
  /** A client certificate signed by `ca`, for the readiness probe (needed with `yes`). */
  client?: CertificateFiles;
}

/**
 * A redis-server of the test's own that speaks TLS only (`--port 0 --tls-port`), with a
 * password, on a free loopback port; its data and logs in a temporary folder.
 */
export class TlsRedis {
  private output = '';

  private constructor(
    readonly port: number,
    private readonly child: ChildProcess,
    private readonly dir: string,
  ) {}

  static async start(options: TlsRedisOptions): Promise<TlsRedis> {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'redis-tls-test-'));
    const args = [
      '--dir',
      dir,
      '--port',
      '0',
      '--tls-port',
      String(port),
      // ::1 too, when the machine has it: Node may try "localhost" as ::1 first.
      '--bind',
      '127.0.0.1',
      '-::1',
      '--tls-cert-file',
      options.server.cert,
      '--tls-key-file',
      options.server.key,
      '--tls-ca-cert-file',
      options.ca.cert,
      '--tls-auth-clients',
      options.authClients,
      '--requirepass',
      options.password,
      '--save',
      '',
      '--appendonly',
      'no',
    ];
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const redis = new TlsRedis(port, child, dir);
    redis.child.stdout!.on('data', (chunk: Buffer) => (redis.output += chunk.toString()));
    redis.child.stderr!.on('data', (chunk: Buffer) => (redis.output += chunk.toString()));
    child.on('error', (error) => (redis.output += `\n${error.message}`));
    try {
      await redis.waitUntilServing(options);
    } catch (error) {
      await redis.stop();
      throw error;
    }
    return redis;
  }

  /** SIGKILL and the temporary folder removed; safe to call more than once. */
  async stop(): Promise<void> {
    const { child } = this;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Polls with a TLS PING (no password: `-NOAUTH` is an answer) until the server answers. */
  private async waitUntilServing(options: TlsRedisOptions): Promise<void> {
    await eventually(
      () => {
        if (this.child.exitCode !== null) {
          throw new Error(`redis-server (TLS) exited while starting: ${this.output}`);
        }
        return this.answersPing(options);
      },
      {
        timeoutMs: 5000,
        intervalMs: 25,
        message: () => `redis-server (TLS) to answer on port ${this.port}: ${this.output}`,
      },
    );
  }

  private answersPing(options: TlsRedisOptions): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = connect({
        host: '127.0.0.1',
        port: this.port,
        servername: 'localhost',
        ca: readFileSync(options.ca.cert),
        ...(options.client
          ? { cert: readFileSync(options.client.cert), key: readFileSync(options.client.key) }
          : {}),
      });
      const done = (ok: boolean) => {
        socket.destroy();
        resolve(ok);
      };
      socket.setTimeout(500, () => done(false));
      socket.on('error', () => done(false));
      socket.on('secureConnect', () => socket.write('PING\r\n'));
      socket.on('data', (data) => done(/^(\+PONG|-NOAUTH)/.test(data.toString())));
    });
  }
}
