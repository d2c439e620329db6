import { createLogger, logFormatFromEnv } from './logging';

describe('the service logger', () => {
  let written: string[];
  beforeEach(() => {
    written = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
  });
  afterEach(() => jest.restoreAllMocks());

  it('masks configured secrets and URL passwords in every line, text or JSON', () => {
    for (const format of ['text', 'json'] as const) {
      const logger = createLogger(format, ['gem-key-123', undefined]);
      logger.log('calling with gem-key-123', 'Ctx');
      logger.warn('redis://:hunter22@127.0.0.1:6379 refused');
      logger.error(new Error('failed: gem-key-123'));
      logger.log({ url: 'postgres://u:pw-77@db/x', key: 'gem-key-123' });
    }
    const out = written.join('');
    expect(out).not.toMatch(/gem-key-123|hunter22|pw-77/);
    expect(out).toContain('calling with ***');
    expect(out).toContain('redis://:***@127.0.0.1:6379 refused');
    expect(written.some((line) => line.startsWith('{"level":"log"'))).toBe(true);
  });

  it('reads LOG_FORMAT, text by default', () => {
    expect(logFormatFromEnv({})).toBe('text');
    expect(logFormatFromEnv({ LOG_FORMAT: 'json' })).toBe('json');
    expect(() => logFormatFromEnv({ LOG_FORMAT: 'yaml' })).toThrow('LOG_FORMAT');
  });
});
