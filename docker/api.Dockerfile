# syntax=docker/dockerfile:1
# One image for the three entry points of the monorepo:
#   api (default):  node dist/apps/api/src/main.js
#   projector:      node dist/apps/projector/src/main.js
#   cli:            node dist/apps/cli/src/main.js <command>
# Build from the repository root:
#   docker build -f docker/api.Dockerfile -t suivi-clauses:latest .

# ---------------------------------------------------------------------------
# build: install all dependencies, compile, then drop the dev dependencies
# ---------------------------------------------------------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app

# Manifests first so the dependency layer is cached until they change.
COPY package.json package-lock.json ./
# --ignore-scripts: no install scripts are needed to compile (and none run
# third-party code during the build).
RUN npm ci --ignore-scripts

# COPY of a directory copies its *contents*, so each directory gets its own
# destination.
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
RUN npm run build

# Keep only production dependencies for the runtime stage.
RUN npm prune --omit=dev --ignore-scripts

# ---------------------------------------------------------------------------
# runtime: compiled JS + production node_modules, non-root
# ---------------------------------------------------------------------------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
# WORKDIR creates /app owned by root; give it to the unprivileged user so
# the app can create files next to itself if it ever needs to.
RUN chown node:node /app

COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/package.json ./package.json

# The official node image ships an unprivileged "node" user (uid 1000).
USER node

EXPOSE 3000

# Slim images have no curl: use Node 20's global fetch. start-period leaves
# time for the migrations the api runs at start. Only meaningful for the api
# command; disable it when running the projector or the CLI
# (compose: healthcheck.disable, docker run: --no-healthcheck).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/health').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"]

# Exec form: node is PID 1 and receives SIGTERM directly (run with
# `--init` / compose `init: true` to also get zombie reaping). The heap cap
# keeps the api near 190 MB of RSS under load instead of 310-340 MB
# (apps/cli/src/bench/api-process.ts, API_NODE_OPTIONS: the same for the benches).
CMD ["node", "--max-old-space-size=512", "dist/apps/api/src/main.js"]
