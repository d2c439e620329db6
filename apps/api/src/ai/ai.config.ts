import { HealthConfigurationError } from '@nest-health/core';
import type { EnvSource } from '../config/app.config';
import {
  DEFAULT_AI_MODEL,
  isHttpUrl,
  readBoolean,
  readInteger,
  readString,
} from '../config/app.config';

export const DEFAULT_GEMINI_BASE_URL = 'https://generativelanguage.googleapis.com';

export interface AiSettings {
  apiKey?: string;
  model: string;
  baseUrl: string;
  requestTimeoutMs: number;
  /** `ai_model` asks the provider (probe) instead of checking configuration only. */
  probe: boolean;
  probeTtlMs: number;
}

/**
 * `GEMINI_API_KEY`, `AI_MODEL`, `GEMINI_BASE_URL`, `AI_REQUEST_TIMEOUT_MS` (default 30000),
 * `HEALTH_CHECK_AI_MODEL_PROBE` (default false), `HEALTH_CHECK_AI_MODEL_PROBE_TTL_MS` (60000).
 */
export function aiSettingsFromEnv(env: EnvSource): AiSettings {
  const baseUrl = readString(env, 'GEMINI_BASE_URL') ?? DEFAULT_GEMINI_BASE_URL;
  if (!isHttpUrl(baseUrl)) {
    throw new HealthConfigurationError('GEMINI_BASE_URL', baseUrl, 'an http(s) URL');
  }
  return {
    apiKey: readString(env, 'GEMINI_API_KEY'),
    model: geminiModel(readString(env, 'AI_MODEL') ?? DEFAULT_AI_MODEL),
    baseUrl: baseUrl.replace(/\/+$/, ''),
    requestTimeoutMs: readInteger(env, 'AI_REQUEST_TIMEOUT_MS', 30_000, 1),
    probe: readBoolean(env, 'HEALTH_CHECK_AI_MODEL_PROBE', false),
    probeTtlMs: readInteger(env, 'HEALTH_CHECK_AI_MODEL_PROBE_TTL_MS', 60_000, 0),
  };
}

/** PydanticAI's provider prefixes for Gemini, as the template writes `AI_MODEL`. */
const GEMINI_PREFIXES = ['google-gla', 'google-vertex', 'gemini', 'google'];

/**
 * The Gemini model name: `gemini-2.5-flash-lite` as it is, and the template's PydanticAI notation
 * `google-gla:gemini-2.5-flash-lite` without its provider prefix. Another provider's prefix
 * (`openai:gpt-4o`) names `AI_MODEL`: this service talks to Gemini only.
 */
export function geminiModel(raw: string): string {
  const match = /^([a-z-]+):(.+)$/.exec(raw);
  if (!match) return raw;
  if (GEMINI_PREFIXES.includes(match[1])) return match[2];
  throw new HealthConfigurationError(
    'AI_MODEL',
    raw,
    `a Gemini model name, optionally prefixed ${GEMINI_PREFIXES.map((p) => `${p}:`).join(', ')}`,
  );
}
