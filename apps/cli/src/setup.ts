import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { CompanyExistsError, setupFirstCompany, setupInputSchema, starterKeysEnv, upsertEnvFile } from "@keyward/core";
import { workspaceRoot } from "@keyward/db";
import { withHostDatabase } from "./database";
import { CliError, EXIT } from "./errors";

export interface SetupOptions {
  company: string;
  email: string;
  password?: string;
  prefix?: string;
}

/** `keyward setup`: the first company, its owner and two keys, written to .env.local and printed once. */
export async function runSetup(opts: SetupOptions): Promise<void> {
  const generatedPassword = opts.password ? null : randomBytes(18).toString("base64url");
  const parsed = setupInputSchema.safeParse({
    company: opts.company,
    email: opts.email,
    password: opts.password ?? generatedPassword,
    keyPrefix: opts.prefix ?? "kw",
  });
  if (!parsed.success) {
    throw new CliError(EXIT.usage, parsed.error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("\n"));
  }
  await withHostDatabase(async (db) => {
    const result = await setupFirstCompany(db, parsed.data).catch((error: unknown) => {
      if (error instanceof CompanyExistsError)
        throw new CliError(EXIT.refused, `${error.message}. Nothing was changed.`);
      throw error;
    });
    const envPath = join(workspaceRoot(), ".env.local");
    const written = upsertEnvFile(envPath, starterKeysEnv(result));
    const lines = [
      `Created company "${parsed.data.company}" with owner ${parsed.data.email}.`,
      ...(generatedPassword ? [`Dashboard password (generated, shown once): ${generatedPassword}`] : []),
      "",
      `KEYWARD_ADMIN_KEY=${result.adminKey.secret}`,
      `    ${result.adminKey.key.name}: scopes *, live`,
      `KEYWARD_READONLY_KEY=${result.readOnlyKey.secret}`,
      `    ${result.readOnlyKey.key.name}: scopes *:read, test`,
      "",
      written === "created"
        ? `Both keys were written to ${envPath} (a new file, mode 0600).`
        : `Both keys were written to ${envPath} (mode 0600): their two lines were replaced, the rest of the file was kept.`,
      "They are not stored anywhere else and will not be shown again.",
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  });
}
