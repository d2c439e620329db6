import fc from 'fast-check';
import { HealthConfigurationError } from './errors';
import {
  ACCESS_SECRET_EXPECTED,
  ACCESS_SECRET_MIN_LENGTH,
  accessSecret,
  accessSecretList,
  adminKeysApart,
  BLANK_SECRET_EXPECTED,
  isAccessSecret,
} from './access-secret';

const ALLOWED = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/';
const REFUSED = `Invalid setting S: "***" (expected ${ACCESS_SECRET_EXPECTED})`;

/** The error a call throws, or undefined. */
function thrown(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  return undefined;
}

/** A refusal that names the setting and shows nothing of the value: one message for all. */
function expectRefused(call: () => unknown, message = REFUSED): void {
  const error = thrown(call);
  expect(error).toBeInstanceOf(HealthConfigurationError);
  expect(error).toMatchObject({ setting: 'S', value: '***', message });
}

const allowedChar = fc.constantFrom(...ALLOWED);
const padding = fc.constantFrom('', '=', '==');
/** A secret that follows the rule: 16+ allowed characters, then optional `=` padding. */
const goodSecret = fc
  .tuple(fc.string({ unit: allowedChar, minLength: ACCESS_SECRET_MIN_LENGTH }), padding)
  .map(([body, pad]) => body + pad);
/** Any character the rule does not allow (`=` is allowed only at the end). */
const badChar = fc
  .string({ unit: 'binary', minLength: 1, maxLength: 1 })
  .filter((c) => !ALLOWED.includes(c) && c !== '=');

describe('the access-secret rule', () => {
  it.each([
    ['openssl rand -hex 32', 'a3f1c9e27b4d5f60a3f1c9e27b4d5f60a3f1c9e27b4d5f60a3f1c9e27b4d5f60'],
    ['openssl rand -base64 32', 'q8P+Zt1/7wJ2bX0mK4cR9vN6hY3sL5dF8gA1eU7iO0w='],
    ['exactly 16 characters', 'abcdefghij-._~+/'],
    ['16 then padding', 'ABCDEFGHIJKLMNOP=='],
  ])('accepts %s', (_, value) => {
    expect(isAccessSecret(value)).toBe(true);
    expect(accessSecret('S', value)).toBe(value);
  });

  it.each([
    ['one letter', 'a'],
    ['15 characters', 'abcdefghijklmno'],
    ['15 and padding', 'abcdefghijklmno='],
    ['a space inside', 'abcdefgh ijklmnopq'],
    ['padding inside', 'abcdefgh=ijklmnopq'],
    ['a comma', 'abcdefgh,ijklmnopq'],
    ['a non-ASCII letter', 'abcdefghijklmnopé'],
    ['empty', ''],
    ['a number', 1234567890123456],
    ['undefined', undefined],
  ])('refuses %s, naming the setting and never the value', (_, value) => {
    expect(isAccessSecret(value)).toBe(false);
    expectRefused(() => accessSecret('S', value));
  });

  it('accepts every string of 16+ allowed characters, then optional padding', () => {
    fc.assert(fc.property(goodSecret, (value) => accessSecret('S', value) === value));
  });

  it('refuses every string shorter than the minimum, whatever it holds, never showing it', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: ACCESS_SECRET_MIN_LENGTH - 1 }), (value) =>
        expectRefused(() => accessSecret('S', value)),
      ),
    );
  });

  it('refuses every string with a character outside the set, never showing it', () => {
    fc.assert(
      fc.property(goodSecret, badChar, fc.nat(), (good, bad, at) => {
        const i = at % (good.length + 1);
        const value = good.slice(0, i) + bad + good.slice(i);
        expectRefused(() => accessSecret('S', value));
      }),
    );
  });
});

describe('accessSecretList (keys given as an option)', () => {
  it('trims each key and drops the entries that are not set', () => {
    expect(accessSecretList('S', undefined)).toEqual([]);
    expect(accessSecretList('S', [' abcdefghijklmnop\t', undefined, ''])).toEqual([
      'abcdefghijklmnop',
    ]);
  });

  it('refuses what is not a list of strings, a blank key and a weak one, never showing them', () => {
    const notAList = 'Invalid setting S: "***" (expected an array of keys)';
    expectRefused(() => accessSecretList('S', 'abcdefghijklmnop'), notAList);
    expectRefused(() => accessSecretList('S', [1234567890123456]), notAList);
    expectRefused(() => accessSecretList('S', [null]), notAList);
    expectRefused(
      () => accessSecretList('S', ['  ']),
      `Invalid setting S: "***" (expected ${BLANK_SECRET_EXPECTED})`,
    );
    expectRefused(() => accessSecretList('S', ['abcdefghijklmnop', 'a']));
  });

  it('for any value, either keys that follow the rule or a refusal that shows nothing', () => {
    const messages = [
      REFUSED,
      'Invalid setting S: "***" (expected an array of keys)',
      `Invalid setting S: "***" (expected ${BLANK_SECRET_EXPECTED})`,
    ];
    const entry = fc.oneof(goodSecret, fc.string({ unit: 'binary' }), fc.anything());
    fc.assert(
      fc.property(fc.oneof(fc.array(entry), fc.anything()), (keys) => {
        const error = thrown(() => accessSecretList('S', keys));
        if (error === undefined) {
          expect(accessSecretList('S', keys).every(isAccessSecret)).toBe(true);
        } else {
          expect(error).toBeInstanceOf(HealthConfigurationError);
          expect(messages).toContain((error as Error).message);
        }
      }),
    );
  });
});

describe('adminKeysApart', () => {
  const admin = 'admin-key-0123456789';
  const details = 'details-key-0123456789';

  it('lets distinct keys pass', () => {
    expect(() => adminKeysApart('A', [admin], 'D', [details])).not.toThrow();
    expect(() => adminKeysApart('A', [], 'D', [details])).not.toThrow();
  });

  it('refuses an admin key that is also a details key, naming both settings, never the key', () => {
    const error = thrown(() => adminKeysApart('A', [admin], 'D', [details, admin]));
    expect(error).toBeInstanceOf(HealthConfigurationError);
    expect((error as Error).message).toBe(
      'Invalid setting A: "***" (expected keys other than those of D: an admin key may not be a details key)',
    );
  });
});
