import { DEFAULT_PORT, parsePort } from './app.config';

describe('parsePort', () => {
  it('defaults to 8000', () => {
    expect(DEFAULT_PORT).toBe(8000);
    expect(parsePort(undefined)).toBe(8000);
    expect(parsePort(' ')).toBe(8000);
  });

  it.each([
    ['0', 0],
    ['3000', 3000],
    ['65535', 65535],
  ])('reads %s', (raw, port) => {
    expect(parsePort(raw)).toBe(port);
  });

  it.each(['-1', '65536', 'http', '80.5'])('refuses %s, naming PORT', (raw) => {
    expect(() => parsePort(raw)).toThrow(`Invalid setting PORT: "${raw}"`);
  });
});
