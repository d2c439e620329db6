// docs/openapi.md's app module: the one of docs/metrics.md.
export { AppModule } from '../metrics/app.module';
