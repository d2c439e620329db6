// @nest-health/core/openapi: every health route in the app's OpenAPI document. Needs the optional
// peer `@nestjs/swagger`.
import './peer';

export { documentHealthEndpoints } from './document-health-endpoints';
export type { HealthOpenApiOptions } from './document-health-endpoints';
