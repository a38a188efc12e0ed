// The only place `pnpm start` reads process.env. The API and the dashboard it starts read their own
// (apps/*/src/env.ts) from the environment it passes them: its own, plus the database and secrets.
import { z } from "zod";

const startEnvSchema = z.object({
  DATABASE_URL: z.string().optional(),
  KEYWARD_DATA_DIR: z.string().optional(),
  API_PORT: z.string().default("4000"),
  WEB_PORT: z.string().default("3000"),
  WEB_HOST: z.string().default("127.0.0.1"),
  // Where the API listens (apps/api/src/env.ts has the same default): checked to be free before starting.
  API_HOST: z.string().default("127.0.0.1"),
  AUTH_SECRET: z.string().optional(),
  KEYWARD_API_URL: z.string().optional(),
  KEYWARD_SKIP_BUILD: z.string().optional(),
  // Read only to print the right addresses; the API and the dashboard check them (@keyward/tls).
  KEYWARD_TLS: z.string().optional(),
  KEYWARD_TLS_DOMAINS: z.string().optional(),
  KEYWARD_TLS_CERT: z.string().optional(),
  KEYWARD_TLS_KEY: z.string().optional(),
  KEYWARD_ACME_CA_FILE: z.string().optional(),
});

export const startEnv = startEnvSchema.parse(process.env);

/** What the children inherit before `pnpm start` adds its own settings. */
export const inheritedEnv: NodeJS.ProcessEnv = { ...process.env };
