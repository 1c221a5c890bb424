# One image for the API and the workers: the same TypeScript, run by tsx (no build step), so that what
# runs in a container is exactly what the tests ran. docker-compose.yml picks the command.
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

# Runs as the image's unprivileged `node` user; the code stays owned by root, read-only to the process.
USER node

EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"

CMD ["node", "--import", "tsx", "api/src/server.ts"]
