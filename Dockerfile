# Conduit's API and worker image (one image, the command picks the role). Built on a current Node LTS.
FROM node:22-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production TURBO_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY prisma ./prisma
COPY prisma.config.ts tsconfig.base.json ./
COPY apps/api/package.json apps/api/
COPY packages/datamodels/package.json packages/datamodels/
COPY packages/direct-transport/package.json packages/direct-transport/
# Dev dependencies are kept: the Prisma CLI generates the client at install time and tsx runs the TypeScript.
RUN npm ci --include=dev --no-audit --no-fund
COPY apps ./apps
COPY packages ./packages
RUN node scripts/prisma-generate.mjs && mkdir -p /app/var && chown node:node /app/var
EXPOSE 3000
USER node
CMD ["npm", "start"]
