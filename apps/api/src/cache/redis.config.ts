import { HealthConfigurationError } from '@nest-health/core';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { EnvSource } from '../config/app.config';
import { readBoolean, readString } from '../config/app.config';

/** The variables that may hold the Redis URL; `CACHE_REDIS_URL` wins for the cache. */
export type RedisUrlVariable = 'CACHE_REDIS_URL' | 'REDIS_URL';

/** TLS options for the Redis client: file contents read once at startup. */
export interface RedisTlsSettings {
  /** PEM of `REDIS_TLS_CA_PATH`; unset means the system's trusted CAs. */
  ca?: string;
  /** PEM of `REDIS_TLS_CERT_PATH` (client certificate). */
  cert?: string;
  /** PEM of `REDIS_TLS_KEY_PATH` (client key). */
  key?: string;
  /** `REDIS_VERIFY_CERTIFICATES` (default true). */
  rejectUnauthorized: boolean;
  /** SNI and the name the certificate must carry: the URL's host when it is a name, not an IP. */
  servername?: string;
}

/** One Redis connection, as the client needs it. */
export interface RedisSettings {
  /** Which variable the URL came from (named in messages about it). */
  variable: RedisUrlVariable;
  /** The URL as configured (it may hold a password: never log it unredacted). */
  url: string;
  host: string;
  port: number;
  db: number;
  username?: string;
  /** The URL's password, else `REDIS_PASSWORD`. */
  password?: string;
  /** Set when the URL is `rediss://` or `REDIS_TLS_ENABLED=true`. */
  tls?: RedisTlsSettings;
  /** Every Redis password configured (both URLs and `REDIS_PASSWORD`), for a `Redactor`. */
  secrets: string[];
}

/** Which connection to read: the cache's (`CACHE_REDIS_URL` over `REDIS_URL`) or `REDIS_URL`'s. */
export type RedisUse = 'cache' | 'shared';

export interface RedisSettingsResult {
  /** Unset when no URL is configured for that use (the cache then runs in memory). */
  settings?: RedisSettings;
  /** Every invalid Redis setting, each naming its variable; empty when all are valid. */
  errors: HealthConfigurationError[];
}

const DEFAULT_PORT = 6379;
const URL_EXPECTED = 'a redis:// or rediss:// URL';

/**
 * The template's Redis settings: `REDIS_URL` (`redis://` or `rediss://` for TLS),
 * `CACHE_REDIS_URL` (overrides `REDIS_URL` for the cache), `REDIS_PASSWORD` (used when the URL
 * has none), `REDIS_TLS_ENABLED` (TLS on a `redis://` URL too), `REDIS_TLS_CA_PATH`,
 * `REDIS_TLS_CERT_PATH`, `REDIS_TLS_KEY_PATH` (read at startup when TLS is on) and
 * `REDIS_VERIFY_CERTIFICATES` (default true). Every variable is checked whichever connection is
 * asked for; the first bad one is thrown as a `HealthConfigurationError` naming it, with any
 * password masked. Returns undefined when no URL is configured for that use.
 */
export function redisSettingsFromEnv(
  env: EnvSource,
  use: RedisUse = 'cache',
): RedisSettings | undefined {
  const { settings, errors } = readRedisSettings(env, use);
  if (errors.length > 0) throw errors[0];
  return settings;
}

/** Like `redisSettingsFromEnv`, but returns every invalid setting instead of throwing the first. */
export function readRedisSettings(env: EnvSource, use: RedisUse = 'cache'): RedisSettingsResult {
  const errors: HealthConfigurationError[] = [];
  const attempt = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch (error) {
      if (error instanceof HealthConfigurationError) errors.push(error);
      else throw error;
      return undefined;
    }
  };

  const urls = new Map<RedisUrlVariable, ParsedRedisUrl | undefined>();
  for (const variable of ['REDIS_URL', 'CACHE_REDIS_URL'] as const) {
    const raw = readString(env, variable);
    if (raw === undefined) continue;
    urls.set(
      variable,
      attempt(() => parseRedisUrl(variable, raw)),
    );
  }
  const secrets = redisSecretsFromEnv(env);
  const password = readString(env, 'REDIS_PASSWORD');
  const tlsEnabled = attempt(() => readBoolean(env, 'REDIS_TLS_ENABLED', false)) ?? false;
  const verify = attempt(() => readBoolean(env, 'REDIS_VERIFY_CERTIFICATES', true)) ?? true;

  // The files are read whenever a configured connection uses TLS, so a bad path stops the
  // service at startup; with TLS off they are not used, and not read.
  const anyTls = [...urls.values()].some((url) => url && (url.tls || tlsEnabled));
  const files = anyTls ? attempt(() => readTlsFiles(env)) : undefined;

  const variable: RedisUrlVariable | undefined =
    use === 'cache' && urls.has('CACHE_REDIS_URL')
      ? 'CACHE_REDIS_URL'
      : urls.has('REDIS_URL')
        ? 'REDIS_URL'
        : undefined;
  const parsed = variable && urls.get(variable);
  if (!parsed || errors.length > 0) return { errors };
  const tls =
    parsed.tls || tlsEnabled
      ? {
          ...files,
          rejectUnauthorized: verify,
          ...(isIP(parsed.host) ? {} : { servername: parsed.host }),
        }
      : undefined;
  return {
    errors,
    settings: {
      variable: parsed.variable,
      url: parsed.url,
      host: parsed.host,
      port: parsed.port,
      db: parsed.db,
      ...(parsed.username ? { username: parsed.username } : {}),
      ...(parsed.password || password ? { password: parsed.password || password } : {}),
      ...(tls ? { tls } : {}),
      secrets,
    },
  };
}

/**
 * Every Redis password configured: `REDIS_PASSWORD` and the passwords inside `REDIS_URL` and
 * `CACHE_REDIS_URL` (as written and decoded). Never throws, so it is safe to call on an
 * environment that failed validation; for a `Redactor`'s secrets.
 */
export function redisSecretsFromEnv(env: EnvSource): string[] {
  const secrets = new Set<string>();
  const password = readString(env, 'REDIS_PASSWORD');
  if (password) secrets.add(password);
  for (const variable of ['REDIS_URL', 'CACHE_REDIS_URL'] as const) {
    const raw = readString(env, variable);
    const userinfo = raw && /^[^:/?#]*:\/\/(.*)@/.exec(raw)?.[1];
    if (!userinfo || !userinfo.includes(':')) continue;
    const written = userinfo.slice(userinfo.indexOf(':') + 1);
    if (!written) continue;
    secrets.add(written);
    try {
      secrets.add(decodeURIComponent(written));
    } catch {
      // Not valid percent-encoding: the written form is the secret.
    }
  }
  return [...secrets];
}

interface ParsedRedisUrl {
  variable: RedisUrlVariable;
  url: string;
  tls: boolean;
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
}

function parseRedisUrl(variable: RedisUrlVariable, raw: string): ParsedRedisUrl {
  const invalid = (expected: string) =>
    new HealthConfigurationError(variable, maskUserinfo(raw), expected);
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(raw)?.[1]?.toLowerCase();
  if (scheme !== 'redis' && scheme !== 'rediss') throw invalid(URL_EXPECTED);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid(
      `${URL_EXPECTED}: redis[s]://[user:password@]host[:port][/db], special characters percent-encoded`,
    );
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw invalid(`${URL_EXPECTED} with a host`);
  const port = url.port === '' ? DEFAULT_PORT : Number(url.port);
  if (!(port >= 1 && port <= 65535)) throw invalid(`${URL_EXPECTED} with a port from 1 to 65535`);
  const path = url.pathname;
  if (path !== '' && path !== '/' && !/^\/\d{1,9}$/.test(path)) {
    throw invalid(`${URL_EXPECTED} with a database number as its path (/0)`);
  }
  let username: string | undefined;
  let password: string | undefined;
  try {
    username = decodeURIComponent(url.username) || undefined;
    password = decodeURIComponent(url.password) || undefined;
  } catch {
    throw invalid(`${URL_EXPECTED} with valid percent-encoding in its user and password`);
  }
  return {
    variable,
    url: raw,
    tls: scheme === 'rediss',
    host,
    port,
    db: path.length > 1 ? Number(path.slice(1)) : 0,
    username,
    password,
  };
}

/** The URL with whatever sits between `user:` and the host masked, whatever its characters. */
function maskUserinfo(raw: string): string {
  const match = /^([^:/?#]*:\/\/)(.*)@/.exec(raw);
  if (!match) return raw;
  const userinfo = match[2];
  const colon = userinfo.indexOf(':');
  if (colon === -1) return raw;
  return `${match[1]}${userinfo.slice(0, colon)}:***@${raw.slice(match[0].length)}`;
}

type TlsFiles = Pick<RedisTlsSettings, 'ca' | 'cert' | 'key'>;

function readTlsFiles(env: EnvSource): TlsFiles {
  const caPath = readString(env, 'REDIS_TLS_CA_PATH');
  const certPath = readString(env, 'REDIS_TLS_CERT_PATH');
  const keyPath = readString(env, 'REDIS_TLS_KEY_PATH');
  if (certPath && !keyPath) {
    throw new HealthConfigurationError(
      'REDIS_TLS_KEY_PATH',
      keyPath,
      'the client key file when REDIS_TLS_CERT_PATH is set',
    );
  }
  if (keyPath && !certPath) {
    throw new HealthConfigurationError(
      'REDIS_TLS_CERT_PATH',
      certPath,
      'the client certificate file when REDIS_TLS_KEY_PATH is set',
    );
  }
  const files: TlsFiles = {};
  if (caPath) {
    files.ca = readPem('REDIS_TLS_CA_PATH', caPath);
    parseCertificate('REDIS_TLS_CA_PATH', caPath, files.ca);
  }
  if (certPath && keyPath) {
    files.cert = readPem('REDIS_TLS_CERT_PATH', certPath);
    files.key = readPem('REDIS_TLS_KEY_PATH', keyPath);
    const certificate = parseCertificate('REDIS_TLS_CERT_PATH', certPath, files.cert);
    let key: ReturnType<typeof createPrivateKey>;
    try {
      key = createPrivateKey(files.key);
    } catch {
      throw new HealthConfigurationError(
        'REDIS_TLS_KEY_PATH',
        keyPath,
        'an unencrypted PEM private key',
      );
    }
    if (!certificate.checkPrivateKey(key)) {
      throw new HealthConfigurationError(
        'REDIS_TLS_KEY_PATH',
        keyPath,
        `the private key of the certificate in REDIS_TLS_CERT_PATH`,
      );
    }
  }
  return files;
}

function readPem(variable: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'a directory'
            : (code ?? 'unreadable');
    throw new HealthConfigurationError(variable, path, `a readable PEM file; ${reason}`);
  }
}

function parseCertificate(variable: string, path: string, pem: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch {
    throw new HealthConfigurationError(variable, path, 'a PEM certificate file');
  }
}
