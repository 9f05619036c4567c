# claimproof: one image for the API (`serve --no-workers`), the workers (`worker`) and the
# one-shot migration step. TypeScript runs through tsx, so there is no build stage.
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    MALLOC_ARENA_MAX=2 \
    CLAIMPROOF_DATA_DIR=/data
# Fonts for rendered previews and report PDFs.
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-dejavu-core ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
ENTRYPOINT ["node", "bin/claimproof.js"]
CMD ["serve", "--no-workers", "--host", "0.0.0.0"]
