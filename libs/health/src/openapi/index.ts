import './peer';

export { documentHealthEndpoints } from './document-health-endpoints';
export type { HealthOpenApiOptions } from './document-health-endpoints';
export {
  HEALTH_OPENAPI_MODELS,
  HealthComponentReport,
  HealthComponentTrend,
  HealthConfigChange,
  HealthConfigChangeEvent,
  HealthConfiguration,
  HealthConfigValue,
  HealthError,
  HealthJsonCheck,
  HealthJsonReport,
  HealthReport,
  HealthResponse,
  HealthResponseTimeSummary,
  HealthTerminusIndicator,
  HealthTerminusReport,
  HealthTrendsReport,
} from './health-openapi.schemas';
