import { HealthConfigurationError } from '@nest-health/core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CertificateFiles, TestCa } from '../../../../test/support/tls';
import { TestCertificates } from '../../../../test/support/tls';
import { readRedisSettings, redisSecretsFromEnv, redisSettingsFromEnv } from './redis.config';

type Env = Record<string, string | undefined>;

/** The message `redisSettingsFromEnv` throws for this environment (fails if it does not throw). */
function errorOf(env: Env): string {
  try {
    redisSettingsFromEnv(env);
  } catch (error) {
    expect(error).toBeInstanceOf(HealthConfigurationError);
    return (error as Error).message;
  }
  throw new Error(`no error for ${JSON.stringify(env)}`);
}

describe('redisSettingsFromEnv: the template Redis variables', () => {
  describe('REDIS_URL', () => {
    it('is optional: no URL means no Redis (the in-memory cache), whatever else is set', () => {
      expect(redisSettingsFromEnv({})).toBeUndefined();
      expect(redisSettingsFromEnv({ REDIS_URL: '  ' })).toBeUndefined();
      expect(
        redisSettingsFromEnv({
          REDIS_PASSWORD: 'pw-1234',
          REDIS_TLS_ENABLED: 'true',
          REDIS_TLS_CA_PATH: '/nowhere/ca.crt',
        }),
      ).toBeUndefined();
    });

    it('reads host, port (default 6379) and database number; plain redis:// has no TLS', () => {
      expect(redisSettingsFromEnv({ REDIS_URL: 'redis://cache.internal:6390/2' })).toEqual({
        variable: 'REDIS_URL',
        url: 'redis://cache.internal:6390/2',
        host: 'cache.internal',
        port: 6390,
        db: 2,
        secrets: [],
      });
      expect(redisSettingsFromEnv({ REDIS_URL: ' redis://127.0.0.1 ' })).toMatchObject({
        host: '127.0.0.1',
        port: 6379,
        db: 0,
      });
      expect(redisSettingsFromEnv({ REDIS_URL: 'redis://127.0.0.1/' })?.db).toBe(0);
      expect(redisSettingsFromEnv({ REDIS_URL: 'REDIS://[::1]:7000' })).toMatchObject({
        host: '::1',
        port: 7000,
      });
    });

    it('reads the user and the password, percent-decoded', () => {
      expect(redisSettingsFromEnv({ REDIS_URL: 'redis://app:p%40ss%2Fw0rd@h:6379' })).toMatchObject(
        { username: 'app', password: 'p@ss/w0rd', secrets: ['p%40ss%2Fw0rd', 'p@ss/w0rd'] },
      );
      expect(redisSettingsFromEnv({ REDIS_URL: 'redis://:pw-only@h' })).toMatchObject({
        password: 'pw-only',
      });
      expect(redisSettingsFromEnv({ REDIS_URL: 'redis://:pw-only@h' })).not.toHaveProperty(
        'username',
      );
    });

    it.each([
      ['a malformed port', 'redis://:secret@127.0.0.1:notaport'],
      ['a port out of range', 'redis://:secret@127.0.0.1:65536'],
      ['port 0', 'redis://:secret@127.0.0.1:0'],
      ['another scheme', 'http://:secret@127.0.0.1:6390'],
      ['no scheme', 'localhost:6379'],
      ['a Unix socket path', 'unix:///var/run/redis.sock'],
      ['no host', 'redis://:secret@:6379'],
      ['a path that is not a database number', 'redis://:secret@127.0.0.1:6379/cache'],
      ['broken percent-encoding', 'redis://:secret%zz@127.0.0.1:6379'],
      ['a password with an unencoded /', 'redis://:sec/ret@127.0.0.1:6379'],
    ])('rejects %s, naming REDIS_URL, the password masked', (_case, url) => {
      const message = errorOf({ REDIS_URL: url });
      expect(message).toMatch(
        /^Invalid setting REDIS_URL: ".*" \(expected a redis:\/\/ or rediss:\/\/ URL/,
      );
      expect(message).not.toMatch(/sec\/?ret/);
    });

    it('says exactly what it expected for the hostile-testing cases', () => {
      expect(errorOf({ REDIS_URL: 'redis://:secret@127.0.0.1:notaport' })).toBe(
        'Invalid setting REDIS_URL: "redis://:***@127.0.0.1:notaport" (expected a redis:// or ' +
          'rediss:// URL: redis[s]://[user:password@]host[:port][/db], special characters ' +
          'percent-encoded)',
      );
      expect(errorOf({ REDIS_URL: 'http://:secret@127.0.0.1:6390' })).toBe(
        'Invalid setting REDIS_URL: "http://:***@127.0.0.1:6390" (expected a redis:// or rediss:// URL)',
      );
      expect(errorOf({ REDIS_URL: 'redis://:secret@127.0.0.1:0' })).toBe(
        'Invalid setting REDIS_URL: "redis://:***@127.0.0.1:0" (expected a redis:// or rediss:// ' +
          'URL with a port from 1 to 65535)',
      );
    });
  });

  describe('REDIS_PASSWORD', () => {
    it('is the password when the URL has none, and a secret either way', () => {
      expect(
        redisSettingsFromEnv({ REDIS_URL: 'redis://h:6379', REDIS_PASSWORD: ' pw-env ' }),
      ).toMatchObject({ password: 'pw-env', secrets: ['pw-env'] });
      expect(
        redisSettingsFromEnv({ REDIS_URL: 'redis://:pw-url@h:6379', REDIS_PASSWORD: 'pw-env' }),
      ).toMatchObject({ password: 'pw-url', secrets: ['pw-env', 'pw-url'] });
      expect(
        redisSettingsFromEnv({ REDIS_URL: 'redis://h:6379', REDIS_PASSWORD: '' }),
      ).not.toHaveProperty('password');
    });
  });

  describe('CACHE_REDIS_URL', () => {
    const env = {
      REDIS_URL: 'redis://:pw-shared@shared:6379',
      CACHE_REDIS_URL: 'redis://:pw-cache@cache:6380/1',
    };

    it('overrides REDIS_URL for the cache; REDIS_URL stays the shared connection', () => {
      expect(redisSettingsFromEnv(env)).toMatchObject({
        variable: 'CACHE_REDIS_URL',
        host: 'cache',
        port: 6380,
        db: 1,
        password: 'pw-cache',
        secrets: ['pw-shared', 'pw-cache'],
      });
      expect(redisSettingsFromEnv(env, 'shared')).toMatchObject({
        variable: 'REDIS_URL',
        host: 'shared',
        password: 'pw-shared',
      });
      expect(redisSettingsFromEnv({ CACHE_REDIS_URL: env.CACHE_REDIS_URL })?.host).toBe('cache');
      expect(redisSettingsFromEnv({ CACHE_REDIS_URL: env.CACHE_REDIS_URL }, 'shared')).toBe(
        undefined,
      );
    });

    it('is validated under its own name, and REDIS_URL is validated even when overridden', () => {
      expect(errorOf({ CACHE_REDIS_URL: 'memcached://h:11211' })).toMatch(
        /^Invalid setting CACHE_REDIS_URL: "memcached:\/\/h:11211"/,
      );
      expect(errorOf({ ...env, REDIS_URL: 'redis://h:port' })).toMatch(
        /^Invalid setting REDIS_URL: /,
      );
    });
  });

  describe('REDIS_TLS_ENABLED and REDIS_VERIFY_CERTIFICATES', () => {
    it('turns TLS on for rediss://, verifying certificates against the host name by default', () => {
      expect(redisSettingsFromEnv({ REDIS_URL: 'rediss://localhost:6380' })?.tls).toEqual({
        rejectUnauthorized: true,
        servername: 'localhost',
      });
    });

    it('sends no server name for an IP address (Node checks the IP against the certificate)', () => {
      expect(redisSettingsFromEnv({ REDIS_URL: 'rediss://127.0.0.1:6380' })?.tls).toEqual({
        rejectUnauthorized: true,
      });
    });

    it('turns TLS on for redis:// too with REDIS_TLS_ENABLED=true; rediss:// stays TLS with false', () => {
      expect(
        redisSettingsFromEnv({ REDIS_URL: 'redis://h:6379', REDIS_TLS_ENABLED: 'true' })?.tls,
      ).toEqual({ rejectUnauthorized: true, servername: 'h' });
      expect(
        redisSettingsFromEnv({ REDIS_URL: 'rediss://h:6379', REDIS_TLS_ENABLED: 'false' })?.tls,
      ).toBeDefined();
      expect(
        redisSettingsFromEnv({ REDIS_URL: 'redis://h:6379', REDIS_TLS_ENABLED: 'no' }),
      ).not.toHaveProperty('tls');
    });

    it('skips certificate verification with REDIS_VERIFY_CERTIFICATES=false', () => {
      expect(
        redisSettingsFromEnv({ REDIS_URL: 'rediss://h:6380', REDIS_VERIFY_CERTIFICATES: 'false' })
          ?.tls?.rejectUnauthorized,
      ).toBe(false);
      expect(
        redisSettingsFromEnv({ REDIS_URL: 'rediss://h:6380', REDIS_VERIFY_CERTIFICATES: '1' })?.tls
          ?.rejectUnauthorized,
      ).toBe(true);
    });

    it.each(['REDIS_TLS_ENABLED', 'REDIS_VERIFY_CERTIFICATES'])(
      'rejects a %s that is not a boolean, even without a URL',
      (name) => {
        expect(errorOf({ [name]: 'maybe' })).toBe(
          `Invalid setting ${name}: "maybe" (expected true or false)`,
        );
      },
    );
  });

  describe('REDIS_TLS_CA_PATH, REDIS_TLS_CERT_PATH, REDIS_TLS_KEY_PATH', () => {
    let certs: TestCertificates;
    let ca: TestCa;
    let client: CertificateFiles;
    let otherClient: CertificateFiles;
    const tlsEnv = (more: Env): Env => ({ REDIS_URL: 'rediss://localhost:6380', ...more });

    beforeAll(() => {
      certs = new TestCertificates();
      ca = certs.ca('ca');
      client = certs.client('client', ca);
      otherClient = certs.client('other', ca);
    });

    afterAll(() => certs.remove());

    it('reads the CA, the client certificate and its key at startup: their contents, not paths', () => {
      const tls = redisSettingsFromEnv(
        tlsEnv({
          REDIS_TLS_ENABLED: 'true',
          REDIS_TLS_CA_PATH: ca.cert,
          REDIS_TLS_CERT_PATH: client.cert,
          REDIS_TLS_KEY_PATH: client.key,
          REDIS_VERIFY_CERTIFICATES: 'true',
        }),
      )?.tls;
      expect(tls).toEqual({
        ca: readFileSync(ca.cert, 'utf8'),
        cert: readFileSync(client.cert, 'utf8'),
        key: readFileSync(client.key, 'utf8'),
        rejectUnauthorized: true,
        servername: 'localhost',
      });
      expect(tls?.ca).toMatch(/^-----BEGIN CERTIFICATE-----/);
    });

    it('takes a CA alone (no client certificate)', () => {
      expect(redisSettingsFromEnv(tlsEnv({ REDIS_TLS_CA_PATH: ca.cert }))?.tls).toEqual({
        ca: readFileSync(ca.cert, 'utf8'),
        rejectUnauthorized: true,
        servername: 'localhost',
      });
    });

    it('does not read them when no connection uses TLS', () => {
      const missing = join(certs.dir, 'missing.crt');
      expect(
        redisSettingsFromEnv({
          REDIS_URL: 'redis://h:6379',
          REDIS_TLS_CA_PATH: missing,
          REDIS_TLS_CERT_PATH: missing,
        }),
      ).not.toHaveProperty('tls');
    });

    it('reads them when REDIS_URL uses TLS though the cache does not (REDIS_URL serves others too)', () => {
      const missing = join(certs.dir, 'missing.crt');
      expect(
        errorOf({
          REDIS_URL: 'rediss://h:6380',
          CACHE_REDIS_URL: 'redis://cache:6379',
          REDIS_TLS_CA_PATH: missing,
        }),
      ).toMatch(/^Invalid setting REDIS_TLS_CA_PATH/);
    });

    it.each([
      ['REDIS_TLS_CA_PATH', 'ca.crt'],
      ['REDIS_TLS_CERT_PATH', 'client.crt'],
      ['REDIS_TLS_KEY_PATH', 'client.key'],
    ])('names %s and the path of a missing file', (name) => {
      const missing = join(certs.dir, 'missing.pem');
      const env = tlsEnv({ REDIS_TLS_CERT_PATH: client.cert, REDIS_TLS_KEY_PATH: client.key });
      expect(errorOf({ ...env, [name]: missing })).toBe(
        `Invalid setting ${name}: ${JSON.stringify(missing)} (expected a readable PEM file; no such file)`,
      );
    });

    it('names a directory as such', () => {
      expect(errorOf(tlsEnv({ REDIS_TLS_CA_PATH: certs.dir }))).toBe(
        `Invalid setting REDIS_TLS_CA_PATH: ${JSON.stringify(certs.dir)} (expected a readable PEM file; a directory)`,
      );
    });

    it('rejects a file that is not a certificate, or a key that is not one', () => {
      expect(errorOf(tlsEnv({ REDIS_TLS_CA_PATH: ca.key }))).toMatch(
        /^Invalid setting REDIS_TLS_CA_PATH: .* \(expected a PEM certificate file\)$/,
      );
      expect(
        errorOf(tlsEnv({ REDIS_TLS_CERT_PATH: client.key, REDIS_TLS_KEY_PATH: client.key })),
      ).toMatch(/^Invalid setting REDIS_TLS_CERT_PATH: .* \(expected a PEM certificate file\)$/);
      expect(
        errorOf(tlsEnv({ REDIS_TLS_CERT_PATH: client.cert, REDIS_TLS_KEY_PATH: client.cert })),
      ).toMatch(
        /^Invalid setting REDIS_TLS_KEY_PATH: .* \(expected an unencrypted PEM private key\)$/,
      );
    });

    it('rejects a key that does not belong to the certificate', () => {
      expect(
        errorOf(tlsEnv({ REDIS_TLS_CERT_PATH: client.cert, REDIS_TLS_KEY_PATH: otherClient.key })),
      ).toBe(
        `Invalid setting REDIS_TLS_KEY_PATH: ${JSON.stringify(otherClient.key)} (expected the ` +
          'private key of the certificate in REDIS_TLS_CERT_PATH)',
      );
    });

    it('wants the certificate and the key together', () => {
      expect(errorOf(tlsEnv({ REDIS_TLS_CERT_PATH: client.cert }))).toBe(
        'Invalid setting REDIS_TLS_KEY_PATH: undefined (expected the client key file when ' +
          'REDIS_TLS_CERT_PATH is set)',
      );
      expect(errorOf(tlsEnv({ REDIS_TLS_KEY_PATH: client.key }))).toBe(
        'Invalid setting REDIS_TLS_CERT_PATH: undefined (expected the client certificate file ' +
          'when REDIS_TLS_KEY_PATH is set)',
      );
    });
  });

  describe('every error at once', () => {
    it('readRedisSettings returns every bad variable, and no settings', () => {
      const { settings, errors } = readRedisSettings({
        REDIS_URL: 'redis://:secret@h:notaport',
        CACHE_REDIS_URL: 'http://h',
        REDIS_TLS_ENABLED: 'sometimes',
        REDIS_VERIFY_CERTIFICATES: 'perhaps',
      });
      expect(settings).toBeUndefined();
      expect(errors.map((e) => e.setting)).toEqual([
        'REDIS_URL',
        'CACHE_REDIS_URL',
        'REDIS_TLS_ENABLED',
        'REDIS_VERIFY_CERTIFICATES',
      ]);
      expect(errors.every((e) => !e.message.includes('secret'))).toBe(true);
    });

    it('readRedisSettings returns no error for a valid environment', () => {
      expect(readRedisSettings({ REDIS_URL: 'redis://h' })).toMatchObject({
        errors: [],
        settings: { host: 'h' },
      });
    });
  });

  it('reads a ConfigService-like source too', () => {
    const values: Env = { REDIS_URL: 'redis://h:1', REDIS_PASSWORD: 'pw-cfg' };
    expect(redisSettingsFromEnv({ get: (key: string) => values[key] })).toMatchObject({
      port: 1,
      password: 'pw-cfg',
    });
  });
});

describe('redisSecretsFromEnv', () => {
  it('lists REDIS_PASSWORD and both URLs’ passwords, as written and decoded, and never throws', () => {
    expect(
      redisSecretsFromEnv({
        REDIS_PASSWORD: 'pw-env',
        REDIS_URL: 'redis://u:p%40ss@h:notaport',
        CACHE_REDIS_URL: 'http://:sec/ret@h',
      }),
    ).toEqual(['pw-env', 'p%40ss', 'p@ss', 'sec/ret']);
    expect(redisSecretsFromEnv({ REDIS_URL: 'redis://:bad%zz@h' })).toEqual(['bad%zz']);
    expect(
      redisSecretsFromEnv({ REDIS_URL: 'redis://user@h', CACHE_REDIS_URL: 'nonsense' }),
    ).toEqual([]);
  });
});
