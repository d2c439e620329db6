import { HealthConfigurationError } from '@nest-health/core';
import { Logger } from '@nestjs/common';
import { templateConfigOptions, templateHealthOptions } from '../health/template-preset';
import { apiKeysFromEnv } from './auth.config';
import { DetailsAccess } from './details-access';

describe('apiKeysFromEnv', () => {
  it('is empty when no key is configured', () => {
    expect(apiKeysFromEnv({})).toEqual([]);
    expect(apiKeysFromEnv({ API_KEY: '  ', ADDITIONAL_API_KEYS: '' })).toEqual([]);
  });

  it('trims API_KEY the same way for everyone (defect 7)', () => {
    expect(apiKeysFromEnv({ API_KEY: '  svc-key\t' })).toEqual(['svc-key']);
  });

  it.each([
    ['comma-separated', 'key1,key2,key3'],
    ['spaced, with empty entries', ' key1 ,, key2 ,key3, '],
    ['a JSON array', '["key1", "key2", "key3"]'],
    ['a JSON array with spaces and empty strings', ' [" key1 ", "", "key2", "key3 "] '],
  ])('reads ADDITIONAL_API_KEYS %s, after API_KEY', (_label, value) => {
    expect(apiKeysFromEnv({ API_KEY: 'main', ADDITIONAL_API_KEYS: value })).toEqual([
      'main',
      'key1',
      'key2',
      'key3',
    ]);
    expect(apiKeysFromEnv({ ADDITIONAL_API_KEYS: value })).toEqual(['key1', 'key2', 'key3']);
  });

  it('keeps a key listed twice once', () => {
    expect(apiKeysFromEnv({ API_KEY: 'a', ADDITIONAL_API_KEYS: 'b,a,b' })).toEqual(['a', 'b']);
  });

  it.each([',,,', ' , ', '[]', '["", "  "]'])(
    'refuses ADDITIONAL_API_KEYS=%j, which holds no key, naming the variable',
    (value) => {
      const error = captured(() => apiKeysFromEnv({ ADDITIONAL_API_KEYS: value }));
      expect(error).toBeInstanceOf(HealthConfigurationError);
      expect(error.message).toMatch(
        /^Invalid setting ADDITIONAL_API_KEYS: .* \(expected one or more keys, comma-separated or a JSON array of strings\)$/,
      );
    },
  );

  it.each(['["key-secret-1", ', '["key-secret-1", 5]', '[{"key":"key-secret-1"}]'])(
    'refuses a JSON value that is not an array of strings, %j, without showing it',
    (value) => {
      const error = captured(() => apiKeysFromEnv({ ADDITIONAL_API_KEYS: value }));
      expect(error).toBeInstanceOf(HealthConfigurationError);
      expect(error.message).toContain('Invalid setting ADDITIONAL_API_KEYS: "***"');
      expect(error.message).not.toContain('key-secret-1');
    },
  );

  it('reads a ConfigService-like source as well as a record', () => {
    const values: Record<string, string> = { API_KEY: ' a ', ADDITIONAL_API_KEYS: 'b' };
    expect(apiKeysFromEnv({ get: (key: string) => values[key] })).toEqual(['a', 'b']);
  });
});

describe('the template preset with every API key', () => {
  const env = {
    API_KEY: ' svc-key ',
    ADDITIONAL_API_KEYS: 'extra-1, extra-2',
    HEALTH_DETAILS_KEYS: 'ops-details-key-0001',
  };

  it('lets every key see details, and makes each a secret', () => {
    const options = templateHealthOptions(env);
    // The template's keys keep its own rule (its .env ships key1,key2,key3): they authorize
    // through the hook, since detailsKeys take only keys of the library's rule.
    expect(options.detailsKeys).toEqual(['ops-details-key-0001']);
    for (const key of ['svc-key', 'extra-1', 'extra-2']) {
      expect(options.authorizeDetails?.({ headers: { authorization: `Bearer ${key}` } })).toBe(
        true,
      );
    }
    expect(options.authorizeDetails?.({ headers: { 'x-api-key': 'extra-3' } })).toBe(false);
    expect(options.secrets).toEqual(
      expect.arrayContaining(['ops-details-key-0001', 'svc-key', 'extra-1', 'extra-2']),
    );
  });

  it.each([
    ['API_KEY', { API_KEY: 'shared-key-0123456789' }],
    ['ADDITIONAL_API_KEYS', { API_KEY: 'svc-key', ADDITIONAL_API_KEYS: 'x,shared-key-0123456789' }],
  ])('refuses an admin key that is one of %s, naming both, never the key', (variable, keys) => {
    let error: unknown;
    try {
      templateConfigOptions({
        ...keys,
        HEALTH_ADMIN_KEYS: 'admin-key-0123456789,shared-key-0123456789',
      });
    } catch (caught) {
      error = caught;
    }
    expect((error as Error).message).toBe(
      `Invalid setting HEALTH_ADMIN_KEYS: "***" (expected keys other than those of ${variable}: an admin key may not be a details key)`,
    );
  });

  it('refuses a bad ADDITIONAL_API_KEYS, naming it', () => {
    expect(() => templateHealthOptions({ ADDITIONAL_API_KEYS: ',' })).toThrow(
      'Invalid setting ADDITIONAL_API_KEYS',
    );
  });
});

describe('DetailsAccess', () => {
  const request = (key?: string) => ({ headers: key === undefined ? {} : { 'x-api-key': key } });

  it('follows HEALTH_DETAILS: never, always, or a details key', async () => {
    const keys = { detailsKeys: [' k1 ', undefined, 'k2'] };
    const never = new DetailsAccess({ ...keys, details: 'never' });
    const always = new DetailsAccess({ ...keys, details: 'always' });
    const authorized = new DetailsAccess(keys);
    expect(await never.allows(request('k1'))).toBe(false);
    expect(await always.allows(request())).toBe(true);
    expect(await authorized.allows(request('k1'))).toBe(true);
    expect(await authorized.allows(request('k2'))).toBe(true);
    expect(await authorized.allows(request('k3'))).toBe(false);
    expect(await authorized.allows(request())).toBe(false);
  });

  it('asks the authorizeDetails hook when no key matches; a throwing hook hides details', async () => {
    const hook = new DetailsAccess({ authorizeDetails: (r) => r.headers['x-ops'] === 'yes' });
    expect(await hook.allows({ headers: { 'x-ops': 'yes' } })).toBe(true);
    expect(await hook.allows({ headers: {} })).toBe(false);
    const failing = new DetailsAccess({
      authorizeDetails: () => {
        throw new Error('down');
      },
    });
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      expect(await failing.allows({ headers: {} })).toBe(false);
      expect(warn).toHaveBeenCalledWith('authorizeDetails failed; details hidden');
    } finally {
      warn.mockRestore();
    }
  });
});

function captured(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}
