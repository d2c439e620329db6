import { reasonOf } from './webhook.reason';

describe('reasonOf', () => {
  it('prefers the code of the cause, then the message, then the value itself', () => {
    const refused = Object.assign(new TypeError('fetch failed'), {
      cause: { code: 'ECONNREFUSED' },
    });
    expect(reasonOf(refused)).toBe('ECONNREFUSED');
    expect(reasonOf(new Error('HTTP 500'))).toBe('HTTP 500');
    expect(reasonOf({ message: 'from another realm' })).toBe('from another realm');
    expect(reasonOf('plain')).toBe('plain');
    expect(reasonOf(undefined)).toBe('threw undefined');
  });
});
