# syncstorm's image, for `docker compose up` (docker-compose.yml): `syncstorm serve` with its
# dependencies installed inside the image by `npm ci` for the image's own platform, so
# nothing of the host's node_modules is used (.dockerignore keeps it out of the context).

# Dependencies: the full image has python3, make and g++ in case better-sqlite3 has no
# prebuilt binary for the platform. Scripts are skipped (a package `prepare` script may need
# dev tools), then the two packages with install steps run theirs.
FROM node:20-bookworm AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm rebuild better-sqlite3 esbuild

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --chown=node:node . .
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
USER node
EXPOSE 8787
HEALTHCHECK --interval=5s --timeout=3s --start-period=20s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8787/_syncstorm/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "bin/syncstorm.mjs", "serve", "--host", "0.0.0.0", "--allow-remote", "--port", "8787"]
