# One image for the API, the worker and one-shot DB jobs; the command picks the role.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY web/package.json web/
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY common common
COPY db db
COPY activities activities
COPY workflows workflows
COPY workers workers
COPY api api
COPY temporal temporal
COPY bench bench
COPY web web
RUN npm run build && npm prune --omit=dev --ignore-scripts

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
RUN groupadd --system signoff && useradd --system --gid signoff --home /app signoff
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY --from=build /app/web/dist web/dist
COPY package.json ./
USER signoff
EXPOSE 3000
# Overridden per service in docker-compose.yml: start:api | start:worker | migrate
CMD ["node", "dist/api/main.js"]
