# One image for the API and the workers: the TypeScript compiled once by scripts/build.mjs (esbuild) into
# dist/, run by plain Node (no tsx loader in the running processes). docker-compose.yml picks the command.
# The console and the widget are static files built with dev dependencies (Vite, React, Preact) in a
# first stage; the image itself installs production dependencies only and copies the built files.
FROM node:20-slim AS frontends
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN cd storefront-widget && npm run build && cd ../admin && npx vite build

FROM node:20-slim

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    npm_config_update_notifier=false \
    npm_config_fund=false

WORKDIR /app

# Dependencies first, so that a code change does not reinstall them.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

COPY --chown=root:root . .
COPY --from=frontends --chown=root:root /app/storefront-widget/dist ./storefront-widget/dist
COPY --from=frontends --chown=root:root /app/admin/dist ./admin/dist
# Compiled as root at build time: the running processes (user node) cannot write dist/, and need not.
RUN node scripts/build.mjs --force

# glibc's malloc keeps up to 8 arenas per core for Node's threads; two are enough and save resident memory
# (docs/performance.md, "Runtime and memory flags").
ENV MALLOC_ARENA_MAX=2

# Runs as the image's unprivileged `node` user; the code stays owned by root, read-only to the process.
USER node

EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"

CMD ["node", "--max-semi-space-size=8", "--heap-growing-percent=100", "--max-old-space-size=192", "--no-allocation-site-pretenuring", "scripts/compiled.mjs", "api"]
