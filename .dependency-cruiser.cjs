// The architecture of libs/health/src, held by CI (`npm run arch`, docs/architecture.md):
//   shared/ (ground floor) <- core/ (the engine) <- indicators/, formats/ <- the parts
//   (http, config, events, status-page, trends, metrics, webhooks, terminus, openapi, gemini,
//   postgres, grpc, mysql, amqp, nats, mqtt, mongodb, resilience, testing, cli) <- the module and the entries at the root.
// Parts never import each other: what two of them share is a port in core/ports.ts, or lives in
// shared/. Specs are left out: a test may reach anything it tests.

const { rulesFor } = require('./scripts/architecture-rules.cjs');

module.exports = {
  forbidden: rulesFor('^libs/health/src'),
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(\\.spec\\.ts|\\.e2e-spec\\.ts)$' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    combinedDependencies: false,
  },
};
