import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";

/** Sets `vars` in a dotenv file, replacing existing lines of the same names and keeping the rest; mode 0600. */
export function upsertEnvFile(path: string, vars: Record<string, string>): void {
  const lines = existsSync(path) ? readFileSync(path, "utf8").split("\n") : [];
  const kept = lines.filter((line) => {
    const name = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line)?.[1];
    return !(name && name in vars);
  });
  while (kept.length && kept.at(-1) === "") kept.pop();
  for (const [name, value] of Object.entries(vars)) kept.push(`${name}=${value}`);
  writeFileSync(path, `${kept.join("\n")}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}
