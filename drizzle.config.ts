import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` writes a new SQL migration after a change under db/schema; the files in
// db/migrations are committed and applied by `npm run db:migrate` (or at start with PGlite).
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema/index.ts',
  out: './db/migrations',
  strict: true,
  verbose: true,
});
