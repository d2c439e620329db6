// The rules of .dependency-cruiser.cjs, for a library under a path and its apps: the
// architecture test (test/architecture.e2e-spec.ts) runs them on fixtures too.

const PARTS = [
  'http',
  'config',
  'events',
  'status-page',
  'trends',
  'metrics',
  'webhooks',
  'terminus',
  'openapi',
  'gemini',
  'postgres',
  'grpc',
  'mysql',
  'amqp',
  'nats',
  'mqtt',
  'mongodb',
  'resilience',
  'testing',
  'cli',
];

/** The rules for a library whose sources are under `src` (a path regex) and apps under `apps`. */
function rulesFor(SRC, apps = '^apps/') {
  return [
    {
      name: 'no-circular',
      comment: 'No import circle, of any length.',
      severity: 'error',
      from: { path: SRC },
      to: { circular: true },
    },
    {
      name: 'shared-is-the-ground-floor',
      comment: 'shared/ imports nothing else of the package.',
      severity: 'error',
      from: { path: `${SRC}/shared/` },
      to: { path: SRC, pathNot: `${SRC}/shared/` },
    },
    {
      name: 'core-imports-only-shared',
      comment: 'The engine imports only shared/: no part, no indicator, no module file.',
      severity: 'error',
      from: { path: `${SRC}/core/` },
      to: { path: SRC, pathNot: [`${SRC}/core/`, `${SRC}/shared/`] },
    },
    {
      name: 'indicators-and-formats-stand-on-core',
      comment: 'Indicators and formats import core/ and shared/ (and their own folder) only.',
      severity: 'error',
      from: { path: `${SRC}/(indicators|formats)/` },
      to: {
        path: SRC,
        pathNot: [`${SRC}/core/`, `${SRC}/shared/`, `${SRC}/$1/`],
      },
    },
    {
      name: 'parts-do-not-import-each-other',
      comment:
        'A part imports core/, shared/, indicators/, formats/ and itself; what two parts share is a port in core/ports.ts.',
      severity: 'error',
      from: { path: `${SRC}/(${PARTS.join('|')})/` },
      to: {
        path: SRC,
        pathNot: [
          `${SRC}/$1/`,
          `${SRC}/core/`,
          `${SRC}/shared/`,
          `${SRC}/indicators/`,
          `${SRC}/formats/`,
        ],
      },
    },
    {
      name: 'nothing-imports-the-root',
      comment:
        'The root files (the module, its options, the entries) are imported by nothing below.',
      severity: 'error',
      from: { path: `${SRC}/[^/]+/` },
      to: { path: `${SRC}/[^/]+\\.ts$` },
    },
    {
      name: 'apps-use-the-package',
      comment: 'apps/api uses the library through its public entries only.',
      severity: 'error',
      from: { path: apps },
      to: { path: SRC, pathNot: [`${SRC}/index\\.ts$`, `${SRC}/[a-z-]+/index\\.ts$`] },
    },
  ];
}

module.exports = { rulesFor };
