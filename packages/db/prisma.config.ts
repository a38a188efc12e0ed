import { defineConfig } from "prisma/config";

// Only `prisma generate` runs here (migrations are applied by src/migrate.ts); a URL is given for
// machines where Prisma's schema engine exists and `prisma migrate status` is used to cross-check.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/keyward" },
});
