import { HealthConfigurationError } from '@nest-health/core';
import fc from 'fast-check';
import { CacheService } from '../cache/cache.service';
import { AnswerCache, answerKey } from './answer-cache';
import {
  answerTtlsFromEnv,
  DEFAULT_ANSWER_TTLS,
  MAX_ANSWER_TTL_SECONDS,
} from './answer-cache.config';
import { OPERATIONS } from './process-request';

describe('answerTtlsFromEnv', () => {
  it("defaults to the template's TTLs per operation", () => {
    expect(answerTtlsFromEnv({})).toEqual({
      summarize: 7200,
      sentiment: 3600,
      key_points: 5400,
      questions: 3600,
      qa: 1800,
    });
  });

  it("takes CACHE_CUSTOM_CONFIG's operation_ttls, and leaves its other keys to the template", () => {
    const env = {
      CACHE_CUSTOM_CONFIG:
        '{"text_hash_threshold": 500, "max_connections": 100, "operation_ttls": {"summarize": 14400, "qa": 60}}',
    };
    expect(answerTtlsFromEnv(env)).toEqual({ ...DEFAULT_ANSWER_TTLS, summarize: 14400, qa: 60 });
    expect(answerTtlsFromEnv({ CACHE_CUSTOM_CONFIG: '{"default_ttl": 300}' })).toEqual(
      DEFAULT_ANSWER_TTLS,
    );
  });

  it.each([
    ['{"operation_ttls": {"summarize": 0}}'],
    ['{"operation_ttls": {"summarize": 1.5}}'],
    ['{"operation_ttls": {"summarize": "60"}}'],
    [`{"operation_ttls": {"qa": ${MAX_ANSWER_TTL_SECONDS + 1}}}`],
    ['{"operation_ttls": {"translate": 60}}'],
    ['{"operation_ttls": [60]}'],
  ])('refuses %s, naming operation_ttls', (value) => {
    expect(() => answerTtlsFromEnv({ CACHE_CUSTOM_CONFIG: value })).toThrow(
      'Invalid setting CACHE_CUSTOM_CONFIG',
    );
    expect(() => answerTtlsFromEnv({ CACHE_CUSTOM_CONFIG: value })).toThrow('operation_ttls:');
  });

  it.each([['not json'], ['[1]'], ['null'], ['"text"']])(
    'refuses %s: not a JSON object',
    (value) => {
      expect(() => answerTtlsFromEnv({ CACHE_CUSTOM_CONFIG: value })).toThrow(
        '(expected a JSON object)',
      );
    },
  );

  it('accepts every valid operation_ttls, whatever other keys the object holds', () => {
    const ttls = fc.dictionary(
      fc.constantFrom(...OPERATIONS),
      fc.integer({ min: 1, max: MAX_ANSWER_TTL_SECONDS }),
    );
    const other = fc.dictionary(
      fc.string({ maxLength: 12 }).filter((k) => k !== 'operation_ttls'),
      fc.jsonValue({ maxDepth: 2 }),
      { maxKeys: 5 },
    );
    fc.assert(
      fc.property(ttls, other, (operationTtls, rest) => {
        const text = JSON.stringify({ ...rest, operation_ttls: operationTtls });
        expect(answerTtlsFromEnv({ CACHE_CUSTOM_CONFIG: text })).toEqual({
          ...DEFAULT_ANSWER_TTLS,
          ...operationTtls,
        });
      }),
    );
  });

  it('throws nothing but a HealthConfigurationError naming the variable, whatever the text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.string({ unit: 'binary' })), (value) => {
        try {
          const ttls = answerTtlsFromEnv({ CACHE_CUSTOM_CONFIG: value });
          for (const operation of OPERATIONS) {
            expect(Number.isInteger(ttls[operation]) && ttls[operation] >= 1).toBe(true);
          }
        } catch (error) {
          expect(error).toBeInstanceOf(HealthConfigurationError);
          expect((error as HealthConfigurationError).setting).toBe('CACHE_CUSTOM_CONFIG');
        }
      }),
    );
  });
});

describe('answerKey', () => {
  const request = { text: 'Some text', operation: 'summarize' as const };

  it('is a hash: the text appears nowhere in it', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 4 }), (text) => {
        const key = answerKey({ text, operation: 'summarize' }, 'gemini-x');
        expect(key).toMatch(/^ai:v1:[0-9a-f]{64}$/);
      }),
    );
  });

  it('differs by operation, text, model, and question for qa; ignores a question elsewhere', () => {
    const base = answerKey(request, 'm1');
    expect(answerKey({ ...request, operation: 'sentiment' }, 'm1')).not.toBe(base);
    expect(answerKey({ ...request, text: 'Some text ' }, 'm1')).not.toBe(base);
    expect(answerKey(request, 'm2')).not.toBe(base);
    expect(answerKey({ ...request, question: 'why?' }, 'm1')).toBe(base);
    const qa = { text: 'T', operation: 'qa' as const, question: 'a' };
    expect(answerKey(qa, 'm1')).not.toBe(answerKey({ ...qa, question: 'b' }, 'm1'));
    // No concatenation ambiguity: the parts are a JSON array.
    expect(answerKey({ ...qa, text: 'T","a' }, 'm1')).not.toBe(
      answerKey({ ...qa, question: '","a' }, 'm1'),
    );
  });
});

describe('AnswerCache (in-memory cache)', () => {
  it('stores an answer with the TTL of its operation, and reads it back', async () => {
    const cache = new CacheService();
    const answers = new AnswerCache(cache, { ...DEFAULT_ANSWER_TTLS, qa: 1 });
    const qa = { text: 'T', operation: 'qa' as const, question: 'q' };
    expect(await answers.get(qa, 'm')).toBeUndefined();
    await answers.set(qa, 'm', 'the answer');
    expect(await answers.get(qa, 'm')).toBe('the answer');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await answers.get(qa, 'm')).toBeUndefined();
    expect(cache.monitor.stats()).toMatchObject({ hits: 1, misses: 2 });
  });

  it('reads a stored value of another shape as a miss', async () => {
    const cache = new CacheService();
    const answers = new AnswerCache(cache, DEFAULT_ANSWER_TTLS);
    const request = { text: 'T', operation: 'summarize' as const };
    for (const junk of ['not json', 'null', '{"result": 5}']) {
      await cache.set(answerKey(request, 'm'), junk, 60_000);
      expect(await answers.get(request, 'm')).toBeUndefined();
    }
  });
});
