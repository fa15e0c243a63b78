# Quire in one image: docker build -t quire . && docker run -p 3000:3000 -v quire-data:/data quire
#
# NODE_IMAGE is any Debian-based image of Node 22.12 or later with npm (the LevelDB binding
# ships prebuilt for glibc). The default pins a Node 24 LTS release, the one place that names
# it: `npm run test:container` reads it from here and builds this file against a local
# stand-in with that same Node, and `npm run test:image-node` runs the test suite on it.
ARG NODE_IMAGE=node:24.22.3-bookworm-slim

# The workspace's manifests, which both install stages start from.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY shared/package.json shared/
COPY server/package.json server/
COPY client/package.json client/

# Build: every dependency, then shared, the server and the client.
FROM manifests AS build
# No dependency needs an install script (classic-level ships its binaries); skipping them
# makes every npm version behave as npm 11 does. A proxy's CA can come in as the secret npm_ca.
RUN --mount=type=secret,id=npm_ca \
    if [ -f /run/secrets/npm_ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/npm_ca; fi; \
    npm ci --ignore-scripts --no-audit --no-fund --no-update-notifier
COPY tsconfig.base.json tsconfig.json ./
COPY shared shared
COPY server server
COPY client client
RUN npm run build

# The server's production dependencies (the shared package's included), nothing else.
FROM manifests AS deps
RUN --mount=type=secret,id=npm_ca \
    if [ -f /run/secrets/npm_ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/npm_ca; fi; \
    npm ci --omit=dev --ignore-scripts --no-audit --no-fund --no-update-notifier --workspace server

# Runtime: compiled code, production dependencies and the client's files, as a non-root user.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/data
WORKDIR /app
COPY package.json ./
COPY shared/package.json shared/
COPY server/package.json server/
COPY --from=deps /app/node_modules node_modules
COPY --from=build /app/shared/dist shared/dist
COPY --from=build /app/server/dist server/dist
# The server serves these from ../../../client/dist relative to server/dist/http.
COPY --from=build /app/client/dist client/dist
# A new named volume takes the owner of the image's /data: the node user (uid 1000).
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 3000
# No curl in the image: Node's fetch asks the server itself.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form: node is PID 1 and receives SIGTERM itself (drain, flush, exit 0).
CMD ["node", "server/dist/main.js"]
