# syntax=docker/dockerfile:1
# One image recipe for all three services; pick one with `--target ingest|normalizer|store`.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY nest-cli.json tsconfig.json tsconfig.build.json ./
COPY apps ./apps
COPY libs ./libs
RUN npm run build

FROM node:20-bookworm-slim AS production-dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=production-dependencies --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
USER node
# Every service drains in-flight work on SIGTERM and exits 0 (docs/contract.md); node runs as PID 1 via the
# exec-form CMD below, so the signal reaches it directly.
STOPSIGNAL SIGTERM

FROM runtime AS ingest
ENV INGEST_PORT=3000
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.INGEST_PORT + '/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/apps/ingest/src/main.js"]

FROM runtime AS normalizer
ENV NORMALIZER_PORT=3001
EXPOSE 3001
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.NORMALIZER_PORT + '/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Heap capped so V8 collects before RSS grows (scripts/support/service-node-args.ts).
CMD ["node", "--max-old-space-size=160", "--max-semi-space-size=8", "dist/apps/normalizer/src/main.js"]

FROM runtime AS store
ENV STORE_PORT=3002
EXPOSE 3002
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.STORE_PORT + '/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Heap capped so V8 collects before RSS nears the 256 MB limit (scripts/support/service-node-args.ts).
CMD ["node", "--max-old-space-size=128", "--max-semi-space-size=4", "dist/apps/store/src/main.js"]
