// @nest-health/core/gemini: an indicator of a Gemini model (Google's Generative Language API),
// by its configuration or by a real probe of the model. Node's own fetch; no optional peer.
export { AiModelIndicator } from '../indicators/ai-model/ai-model.indicator';
export type { AiModelIndicatorOptions } from '../indicators/ai-model/ai-model.options';
