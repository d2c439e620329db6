import { HealthConfigurationError } from '../../shared/errors';
import { Redactor } from '../../shared/redact';

/** `config` only looks at the configuration; `probe` asks the provider. */
export type AiModelMode = 'config' | 'probe';

export interface AiModelIndicatorOptions {
  /** The Gemini API key. Unset or blank: the component is DEGRADED. */
  apiKey?: string;
  /** Default `gemini-2.0-flash-exp`. */
  model?: string;
  /** Default `config`. */
  mode?: AiModelMode;
  /** Where the Gemini API lives: a proxy, or a loopback server in tests. Default Google's. */
  baseUrl?: string;
  /** How long a probe result is reused, in ms; 0 probes on every check. Default 60000. */
  probeTtlMs?: number;
  /** Default `globalThis.fetch`. */
  fetch?: typeof fetch;
}

export const AI_MODEL_DEFAULTS = {
  model: 'gemini-2.0-flash-exp',
  mode: 'config',
  baseUrl: 'https://generativelanguage.googleapis.com',
  probeTtlMs: 60_000,
} as const satisfies Required<Omit<AiModelIndicatorOptions, 'apiKey' | 'fetch'>>;

export const AI_MODEL_MODES: readonly AiModelMode[] = ['config', 'probe'];

export interface ResolvedAiModelOptions {
  apiKey?: string;
  model: string;
  mode: AiModelMode;
  /** Without a trailing slash. */
  baseUrl: string;
  probeTtlMs: number;
  fetch: typeof fetch;
}

/** Applies defaults and validates; a bad value throws a `HealthConfigurationError` naming it. */
export function resolveAiModelOptions(
  options: AiModelIndicatorOptions = {},
): ResolvedAiModelOptions {
  if (options === null || typeof options !== 'object') {
    throw new HealthConfigurationError('ai_model options', options, 'an object');
  }
  return {
    apiKey: apiKey(options.apiKey),
    model: model(options.model ?? AI_MODEL_DEFAULTS.model),
    mode: mode(options.mode ?? AI_MODEL_DEFAULTS.mode),
    baseUrl: baseUrl(options.baseUrl ?? AI_MODEL_DEFAULTS.baseUrl),
    probeTtlMs: probeTtl(options.probeTtlMs ?? AI_MODEL_DEFAULTS.probeTtlMs),
    fetch: fetchFunction(options.fetch ?? globalThis.fetch),
  };
}

// Header-safe: anything else would make fetch throw an error that quotes the key.
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

function apiKey(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const key = typeof value === 'string' ? value.trim() : undefined;
  if (key === undefined || (key !== '' && !PRINTABLE_ASCII.test(key))) {
    throw new HealthConfigurationError('ai_model.apiKey', '***', 'a string of printable ASCII');
  }
  return key || undefined;
}

function model(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new HealthConfigurationError('ai_model.model', value, 'a non-empty model name');
  }
  return value.trim();
}

function mode(value: unknown): AiModelMode {
  if (!(AI_MODEL_MODES as readonly unknown[]).includes(value)) {
    throw new HealthConfigurationError('ai_model.mode', value, '"config" or "probe"');
  }
  return value as AiModelMode;
}

function baseUrl(value: unknown): string {
  const url = typeof value === 'string' ? parseUrl(value) : undefined;
  const extras = url && (url.username || url.password || url.search || url.hash);
  if (!url || !/^https?:$/.test(url.protocol) || extras) {
    throw new HealthConfigurationError(
      'ai_model.baseUrl',
      typeof value === 'string' ? maskUrl(value) : value,
      'an http(s) URL without credentials, query or fragment',
    );
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** The error quotes the bad URL, so user info and key parameters are masked first. */
function maskUrl(value: string): string {
  return new Redactor().text(value).replace(/\/\/[^/?#@\s]*@/, '//***@');
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

function probeTtl(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new HealthConfigurationError('ai_model.probeTtlMs', value, 'a number of ms >= 0');
  }
  return value;
}

function fetchFunction(value: unknown): typeof fetch {
  if (typeof value !== 'function') {
    throw new HealthConfigurationError('ai_model.fetch', value, 'a fetch function');
  }
  return value as typeof fetch;
}
