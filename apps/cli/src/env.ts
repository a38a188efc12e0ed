// The only place the CLI reads process.env (`keyward guard` reads the guard's through @keyward/guard).
import { z } from "zod";

const cliEnvSchema = z.object({
  DATABASE_URL: z.string().url().optional(),
  KEYWARD_DATA_DIR: z.string().optional(),
  /** Directory of the CLI's config.yaml (default `~/.keyward`), where `login` keeps its token. */
  KEYWARD_CONFIG_DIR: z.string().optional(),
  /** An API key the CLI uses instead of the token `login` stored. */
  KEYWARD_API_KEY: z.string().optional(),
  /** The API the CLI talks to when `login --api-url` did not say (default http://127.0.0.1:4000). */
  KEYWARD_API_URL: z.string().url().optional(),
});

export type Env = z.output<typeof cliEnvSchema>;

export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = cliEnvSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(`Invalid environment:\n${problems}`);
  }
  return parsed.data;
}
