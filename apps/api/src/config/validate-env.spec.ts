import { readBoolean, readRatio, readString } from './app.config';
import { validateEnvironment } from './validate-env';

describe('validateEnvironment', () => {
  it('returns the port when every setting is valid', () => {
    expect(validateEnvironment({})).toBe(8000);
    expect(validateEnvironment({ PORT: '3000', HEALTH_CHECK_AI_MODEL_PROBE: 'yes' })).toBe(3000);
  });

  it.each([
    ['HEALTH_CHECK_TIMEOUT_MS', 'abc'],
    ['AI_REQUEST_TIMEOUT_MS', '-1'],
    ['HEALTH_RUNTIME_EVENT_LOOP_DELAY_UNHEALTHY_MS', '1.5'],
    ['REDIS_COMMAND_TIMEOUT_MS', 'soon'],
    ['PORT', '70000'],
  ])('stops at a bad %s, naming it', (variable, value) => {
    expect(() => validateEnvironment({ [variable]: value })).toThrow(
      `Invalid setting ${variable}: "${value}"`,
    );
  });

  it('masks credentials in a bad URL it shows', () => {
    expect(() => validateEnvironment({ GEMINI_BASE_URL: 'ftp://user:hunter2@x' })).toThrow(
      'Invalid setting GEMINI_BASE_URL: "ftp://user:***@x"',
    );
  });
});

describe('config readers', () => {
  it('reads strings from a record or a getter, blank as unset', () => {
    expect(readString({ A: ' x ' }, 'A')).toBe('x');
    expect(readString({ A: '  ' }, 'A')).toBeUndefined();
    expect(readString({ get: (k: string) => (k === 'A' ? 5 : null) }, 'A')).toBe('5');
    expect(readString({ get: () => null }, 'A')).toBeUndefined();
  });

  it.each([
    ['true', true],
    ['YES', true],
    ['1', true],
    ['false', false],
    ['No', false],
    ['0', false],
  ])('reads boolean %s', (raw, value) => {
    expect(readBoolean({ B: raw }, 'B', !value)).toBe(value);
  });

  it('reads ratios in (0, 1]', () => {
    expect(readRatio({}, 'R', 0.5)).toBe(0.5);
    expect(readRatio({ R: '1' }, 'R', 0.5)).toBe(1);
    expect(readRatio({ R: '.25' }, 'R', 0.5)).toBe(0.25);
    for (const bad of ['0', '1.01', '-0.5', 'half']) {
      expect(() => readRatio({ R: bad }, 'R', 0.5)).toThrow(`Invalid setting R: "${bad}"`);
    }
  });
});
