import { defineConfig } from 'drizzle-kit';

// Migrations are generated from the schema and only ever added (never edited by hand).
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema/index.ts',
  out: './migrations',
});
