import type { EnvSource } from '../config/app.config';
import { isPlainObject, jsonObjectFromEnv } from '../config/json-variable';
import type { Operation } from './process-request';
import { OPERATIONS } from './process-request';

/**
 * How long an answer is cached, in seconds, per operation: the template's
 * `TextProcessorService._get_ttl_for_operation` (summaries change least, answers to questions
 * most).
 */
export const DEFAULT_ANSWER_TTLS: Readonly<Record<Operation, number>> = {
  summarize: 7200,
  sentiment: 3600,
  key_points: 5400,
  questions: 3600,
  qa: 1800,
};

/** The longest TTL: a week, the template's bound on `default_ttl`. */
export const MAX_ANSWER_TTL_SECONDS = 604_800;
/** The longest `CACHE_CUSTOM_CONFIG` read. */
export const MAX_CACHE_CUSTOM_CONFIG_LENGTH = 16_384;

const VARIABLE = 'CACHE_CUSTOM_CONFIG';

/**
 * Each operation's answer TTL in seconds: the defaults, with `CACHE_CUSTOM_CONFIG`'s
 * `operation_ttls` over them (the template's key, `{"operation_ttls": {"summarize": 14400}}`).
 * The template's other keys in that JSON object are not read here. A value that is not a JSON
 * object, an operation that does not exist or a TTL outside 1 to 604800 throws
 * `HealthConfigurationError` naming the variable.
 */
export function answerTtlsFromEnv(env: EnvSource): Readonly<Record<Operation, number>> {
  const variable = jsonObjectFromEnv(env, VARIABLE, MAX_CACHE_CUSTOM_CONFIG_LENGTH);
  if (variable === undefined) return DEFAULT_ANSWER_TTLS;
  const { object: parsed, fail } = variable;
  if (!Object.hasOwn(parsed, 'operation_ttls')) return DEFAULT_ANSWER_TTLS;
  const ttls = parsed.operation_ttls;
  const expected = `operation_ttls: an object of ${OPERATIONS.join(', ')} to an integer number of seconds from 1 to ${MAX_ANSWER_TTL_SECONDS}`;
  if (!isPlainObject(ttls)) throw fail(expected);
  const result: Record<Operation, number> = { ...DEFAULT_ANSWER_TTLS };
  for (const [operation, seconds] of Object.entries(ttls)) {
    const valid =
      (OPERATIONS as readonly string[]).includes(operation) &&
      typeof seconds === 'number' &&
      Number.isInteger(seconds) &&
      seconds >= 1 &&
      seconds <= MAX_ANSWER_TTL_SECONDS;
    if (!valid) throw fail(expected);
    result[operation as Operation] = seconds as number;
  }
  return result;
}
