import fc from 'fast-check';
import { shownUrl } from './http.url';

describe('shownUrl (URLs from options and Location headers)', () => {
  it('shows scheme, host, port and path, and masks credentials and the query', () => {
    expect(shownUrl(new URL('https://u:p@h:8443/a/b?x=1#f'))).toBe('https://u:***@h:8443/a/b?***');
    expect(shownUrl(new URL('http://token@h/'))).toBe('http://***@h/');
    expect(shownUrl(new URL('http://h/health'))).toBe('http://h/health');
  });

  it('never shows a password, a lone user or a query value, whatever they are', () => {
    const secret = fc
      .string({ minLength: 6, maxLength: 40 })
      .filter((s) => /[A-Za-z0-9]{6}/.test(s));
    fc.assert(
      fc.property(secret, secret, fc.constantFrom('http', 'https'), (password, token, scheme) => {
        const url = new URL(`${scheme}://h.example/p`);
        url.username = 'ops';
        url.password = password;
        url.searchParams.set('token', token);
        const shown = shownUrl(url);
        const core = (s: string) => /[A-Za-z0-9]{6}/.exec(s)![0];
        expect(shown).toBe(`${scheme}://ops:***@h.example/p?***`);
        expect(shown.includes(core(password)) && !'opshexamplehttps'.includes(core(password))).toBe(
          false,
        );
        url.password = '';
        url.username = token;
        expect(shownUrl(url)).toBe(`${scheme}://***@h.example/p?***`);
      }),
    );
  });
});
