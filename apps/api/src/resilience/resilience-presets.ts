import type { Operation } from '../text-processing/process-request';

/**
 * The template's resilience presets and strategies (its `config_presets.py`), as data. Figures
 * are in the template's units (seconds); `resilience.config.ts` turns them into policies.
 */
export const STRATEGIES = ['aggressive', 'balanced', 'conservative', 'critical'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export const PRESET_NAMES = ['simple', 'development', 'production'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/** One operation's retry and breaker figures, named as `RESILIENCE_CUSTOM_CONFIG` names them. */
export interface ResilienceFigures {
  /** Calls in all, the first included (tenacity's `stop_after_attempt`). */
  retry_attempts: number;
  /** No retry once this many seconds have passed since the first call (`stop_after_delay`). */
  max_delay_seconds: number;
  /** Wait before retry n: `exponential_multiplier * 2^(n-1)` s, within [min, max]. */
  exponential_multiplier: number;
  exponential_min: number;
  exponential_max: number;
  /** Plus a random wait from 0 to `jitter_max` s. */
  jitter_enabled: boolean;
  jitter_max: number;
  /** Consecutive failures that open the breaker. */
  circuit_breaker_threshold: number;
  /** Seconds the breaker stays open before it lets one trial call through. */
  recovery_timeout: number;
}

/** The template's `DEFAULT_PRESETS`: each strategy's figures (jitter as `RetryConfig`'s default). */
export const STRATEGY_FIGURES: Readonly<Record<Strategy, Readonly<ResilienceFigures>>> = {
  aggressive: {
    retry_attempts: 2,
    max_delay_seconds: 10,
    exponential_multiplier: 0.5,
    exponential_min: 1,
    exponential_max: 5,
    jitter_enabled: true,
    jitter_max: 2,
    circuit_breaker_threshold: 3,
    recovery_timeout: 30,
  },
  balanced: {
    retry_attempts: 3,
    max_delay_seconds: 30,
    exponential_multiplier: 1,
    exponential_min: 2,
    exponential_max: 10,
    jitter_enabled: true,
    jitter_max: 2,
    circuit_breaker_threshold: 5,
    recovery_timeout: 60,
  },
  conservative: {
    retry_attempts: 5,
    max_delay_seconds: 120,
    exponential_multiplier: 2,
    exponential_min: 4,
    exponential_max: 30,
    jitter_enabled: true,
    jitter_max: 2,
    circuit_breaker_threshold: 8,
    recovery_timeout: 120,
  },
  critical: {
    retry_attempts: 7,
    max_delay_seconds: 300,
    exponential_multiplier: 1.5,
    exponential_min: 3,
    exponential_max: 60,
    jitter_enabled: true,
    jitter_max: 5,
    circuit_breaker_threshold: 10,
    recovery_timeout: 300,
  },
};

export interface ResiliencePreset {
  defaultStrategy: Strategy;
  /** The figures of an operation on `defaultStrategy` (the template's `to_resilience_config`). */
  figures: Readonly<ResilienceFigures>;
  operationOverrides: Readonly<Partial<Record<Operation, Strategy>>>;
}

/** The template's `PRESETS`, with the figures its `to_resilience_config()` derives. */
export const PRESETS: Readonly<Record<PresetName, Readonly<ResiliencePreset>>> = {
  simple: {
    defaultStrategy: 'balanced',
    figures: {
      retry_attempts: 3,
      max_delay_seconds: 60,
      exponential_multiplier: 1,
      exponential_min: 2,
      exponential_max: 10,
      jitter_enabled: true,
      jitter_max: 2,
      circuit_breaker_threshold: 5,
      recovery_timeout: 60,
    },
    operationOverrides: {},
  },
  development: {
    defaultStrategy: 'aggressive',
    figures: {
      retry_attempts: 2,
      max_delay_seconds: 40,
      exponential_multiplier: 0.5,
      exponential_min: 1,
      exponential_max: 5,
      jitter_enabled: true,
      jitter_max: 2,
      circuit_breaker_threshold: 3,
      recovery_timeout: 30,
    },
    operationOverrides: { sentiment: 'aggressive', qa: 'balanced' },
  },
  production: {
    defaultStrategy: 'conservative',
    figures: {
      retry_attempts: 5,
      max_delay_seconds: 100,
      exponential_multiplier: 1.5,
      exponential_min: 2,
      exponential_max: 30,
      jitter_enabled: true,
      jitter_max: 2,
      circuit_breaker_threshold: 10,
      recovery_timeout: 120,
    },
    operationOverrides: {
      qa: 'critical',
      sentiment: 'aggressive',
      summarize: 'conservative',
      key_points: 'balanced',
      questions: 'balanced',
    },
  },
};

/** The template's breaker names (its orchestrator's operation names), one per operation. */
export const BREAKER_NAMES: Readonly<Record<Operation, string>> = {
  summarize: 'summarize_text',
  sentiment: 'analyze_sentiment',
  key_points: 'extract_key_points',
  questions: 'generate_questions',
  qa: 'answer_question',
};
