/** The legacy `GET /v1/health` body's keys, in the contract's order. */
export const LEGACY_KEYS = [
  'status',
  'timestamp',
  'version',
  'ai_model_available',
  'resilience_healthy',
  'cache_healthy',
];
