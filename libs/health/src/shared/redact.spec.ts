import { Redactor } from './redact';

describe('Redactor', () => {
  const redactor = new Redactor(['sk-live-secret-123', undefined, 'abc', 'p@ss w0rd!']);

  it('masks configured secret values wherever they appear', () => {
    expect(redactor.text('key sk-live-secret-123 rejected (sk-live-secret-123)')).toBe(
      'key *** rejected (***)',
    );
    expect(redactor.text('login p@ss w0rd! failed')).toBe('login *** failed');
  });

  it('ignores secrets too short to mask safely', () => {
    expect(redactor.text('abc is fine')).toBe('abc is fine');
  });

  it('masks passwords inside URLs, key and token query parameters, and bearer tokens', () => {
    expect(redactor.text('connect redis://default:hunter2@cache:6379/0 failed')).toBe(
      'connect redis://default:***@cache:6379/0 failed',
    );
    expect(redactor.text('postgres://:pw@db/x')).toBe('postgres://:***@db/x');
    expect(redactor.text('GET https://x.test/v1?key=AIzaXYZ&alt=json')).toBe(
      'GET https://x.test/v1?key=***&alt=json',
    );
    expect(redactor.text('https://x.test/?a=1&access_token=tok.en')).toBe(
      'https://x.test/?a=1&access_token=***',
    );
    expect(redactor.text('Authorization: Bearer abc.def-ghi')).toBe('Authorization: Bearer ***');
  });

  it('masks the user of a URL that has no password: it may be the token', () => {
    const redactor = new Redactor();
    expect(redactor.text('POST https://tok3n@hooks.example/x failed')).toBe(
      'POST https://***@hooks.example/x failed',
    );
    expect(redactor.text('redis://default:pw@127.0.0.1')).toBe('redis://default:***@127.0.0.1');
  });

  it('masks every string in data, keys kept, other values untouched', () => {
    expect(
      redactor.data({
        url: 'redis://u:pw@h',
        nested: { list: ['sk-live-secret-123', 1, true, null] },
        n: 5,
      }),
    ).toEqual({ url: 'redis://u:***@h', nested: { list: ['***', 1, true, null] }, n: 5 });
  });

  it('throws on data JSON cannot hold', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => redactor.data(circular)).toThrow();
    expect(() => redactor.data({ big: BigInt(1) })).toThrow();
  });

  it('returns undefined input as is', () => {
    expect(redactor.data(undefined)).toBeUndefined();
  });
});
