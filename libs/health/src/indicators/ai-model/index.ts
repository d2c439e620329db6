export { AiModelIndicator } from './ai-model.indicator';
export { AI_MODEL_DEFAULTS } from './ai-model.options';
export type { AiModelIndicatorOptions, AiModelMode } from './ai-model.options';
