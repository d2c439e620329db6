export { AiModelIndicator } from './ai-model.indicator';
export { AI_MODEL_DEFAULTS, AI_MODEL_MODES } from './ai-model.options';
export type { AiModelIndicatorOptions, AiModelMode } from './ai-model.options';
