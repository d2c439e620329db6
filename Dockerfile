# syntax=docker/dockerfile:1
# The api service (apps/api) with the @nest-health/core package installed as any app installs it.
#   docker build -t nest-health-api .
#   docker run --rm -p 8000:8000 nest-health-api
# This repository's CI has no Docker daemon and builds no image: test/ops.e2e-spec.ts reads this
# file and runs its runtime layout (production dependencies only) and its HEALTHCHECK without Docker.

ARG NODE_IMAGE=node:20-bookworm-slim

# 1. Build: every dependency, the TypeScript compiler; the package, then the service against it.
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY libs ./libs
COPY apps ./apps
RUN npm run build

# 2. Production dependencies only.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# 3. Runtime: no compiler, no dev dependency, no source; the image's unprivileged `node` user.
FROM ${NODE_IMAGE}
ENV NODE_ENV=production PORT=8000
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /src/dist/libs/health ./node_modules/@nest-health/core
COPY --from=build /src/dist/apps/api ./dist/apps/api
USER node
EXPOSE 8000
# The package's own check (Node built-ins only: slim images have no curl). Readiness answers
# within HEALTH_PROBE_TIMEOUT_MS (800 ms) whatever the dependencies do; 2 s is the CLI's limit.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "node_modules/@nest-health/core/cli/healthcheck.js", "--url", "http://127.0.0.1:8000/v1/health/ready", "--timeout", "2000"]
# node as PID 1 is fine: the service handles SIGTERM itself (readiness 503, drain, exit 0).
CMD ["node", "dist/apps/api/main.js"]
