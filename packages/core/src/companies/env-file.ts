// The `.env.local` that first-run setup leaves behind (README "Using the API": `source .env.local`).
// The CLI (`keyward setup`, `companies create --env-file`) and the dashboard's /setup write it, and the
// dashboard offers the same text as a download, so every way of setting up yields the same lines.
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import type { StarterKeys } from "./create";

/** The variables a company's starter keys go by in `.env.local`. */
export function starterKeysEnv(keys: StarterKeys): Record<string, string> {
  return { KEYWARD_ADMIN_KEY: keys.adminKey.secret, KEYWARD_READONLY_KEY: keys.readOnlyKey.secret };
}

/**
 * `existing` dotenv text with `vars` set: lines of the same names (also `export NAME=`) are replaced,
 * every other line is kept as it was, and the variables are appended in order.
 */
export function mergeEnvText(existing: string, vars: Record<string, string>): string {
  const kept = existing.split("\n").filter((line) => {
    const name = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line)?.[1];
    return !(name && Object.hasOwn(vars, name));
  });
  while (kept.length && kept.at(-1) === "") kept.pop();
  for (const [name, value] of Object.entries(vars)) kept.push(`${name}=${value}`);
  return `${kept.join("\n")}\n`;
}

/**
 * Sets `vars` in the dotenv file at `path` (mergeEnvText: only their own lines are replaced), mode 0600.
 * Says whether the file was created or an existing one updated, so callers can tell the user which.
 */
export function upsertEnvFile(path: string, vars: Record<string, string>): "created" | "updated" {
  const existed = existsSync(path);
  // Narrow an existing file's mode before the secrets go in, not after.
  if (existed) chmodSync(path, 0o600);
  writeFileSync(path, mergeEnvText(existed ? readFileSync(path, "utf8") : "", vars), { mode: 0o600 });
  chmodSync(path, 0o600);
  return existed ? "updated" : "created";
}
