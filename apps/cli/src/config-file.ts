// Where `keyward login` keeps its token: `~/.keyward/config.yaml` (or $KEYWARD_CONFIG_DIR/config.yaml),
// readable by its owner only: the file holds a bearer token.
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { z } from "zod";
import type { Env } from "./env";
import { CliError, EXIT } from "./errors";

export const DEFAULT_API_URL = "http://127.0.0.1:4000";

const storedSchema = z.object({
  apiUrl: z.string().url(),
  token: z.string().min(1),
  email: z.string().optional(),
  expiresAt: z.string().optional(),
});

export type StoredLogin = z.infer<typeof storedSchema>;

export function configPath(env: Env): string {
  return join(env.KEYWARD_CONFIG_DIR ?? join(homedir(), ".keyward"), "config.yaml");
}

export function readLogin(env: Env): StoredLogin | null {
  const path = configPath(env);
  if (!existsSync(path)) return null;
  const parsed = storedSchema.safeParse(parse(readFileSync(path, "utf8")));
  if (!parsed.success) {
    throw new CliError(EXIT.usage, `${path} is not a Keyward login: run \`pnpm keyward logout\`, then log in again`);
  }
  return parsed.data;
}

export function writeLogin(env: Env, login: StoredLogin): string {
  const path = configPath(env);
  mkdirSync(join(path, ".."), { recursive: true, mode: 0o700 });
  writeFileSync(path, stringify(login), { mode: 0o600 });
  // writeFileSync keeps the mode of a file that already existed.
  chmodSync(path, 0o600);
  return path;
}

/** True when there was a login to forget. */
export function forgetLogin(env: Env): boolean {
  const path = configPath(env);
  if (!existsSync(path)) return false;
  rmSync(path);
  return true;
}
