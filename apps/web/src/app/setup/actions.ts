"use server";

import { join } from "node:path";
import {
  CompanyExistsError,
  mergeEnvText,
  type PublicKey,
  setupFirstCompany,
  setupInputSchema,
  starterKeysEnv,
  upsertEnvFile,
} from "@keyward/core";
import { env } from "@/env";
import { getDb } from "@/server/db";
import { type FieldErrors, fieldErrors } from "@/server/form-errors";

export interface SetupFields {
  company: string;
  email: string;
  password: string;
}

/** What became of .env.local on this machine: written (created or updated), not written, or failed. */
export type EnvFileOutcome =
  | { status: "created" | "updated"; path: string }
  | { status: "failed"; path: string; reason: string }
  | { status: "not-written" };

// The secrets travel in this action's response only, to be shown once by the client.
export type SetupResult =
  | { ok: false; error: string | null; fieldErrors: FieldErrors }
  | {
      ok: true;
      email: string;
      adminKey: { key: PublicKey; secret: string };
      readOnlyKey: { key: PublicKey; secret: string };
      /** The .env.local text `keyward setup` writes to a new file, offered as a download. */
      envText: string;
      envFile: EnvFileOutcome;
    };

/**
 * Under `pnpm start` (KEYWARD_REPO_ROOT set) the keys go to the checkout's .env.local as the CLI writes
 * them: only their two lines are replaced. A failure is reported, not thrown: the keys exist now.
 */
function writeRepoEnvFile(vars: Record<string, string>): EnvFileOutcome {
  if (!env.KEYWARD_REPO_ROOT) return { status: "not-written" };
  const path = join(env.KEYWARD_REPO_ROOT, ".env.local");
  try {
    return { status: upsertEnvFile(path, vars), path };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { status: "failed", path, reason: code ?? "unknown error" };
  }
}

export async function setupCompany(fields: SetupFields): Promise<SetupResult> {
  const parsed = setupInputSchema.safeParse({
    company: fields.company,
    email: fields.email,
    password: fields.password,
  });
  if (!parsed.success) return { ok: false, error: null, fieldErrors: fieldErrors(parsed.error) };
  try {
    const result = await setupFirstCompany(await getDb(), parsed.data);
    const vars = starterKeysEnv(result);
    return {
      ok: true,
      email: parsed.data.email,
      adminKey: result.adminKey,
      readOnlyKey: result.readOnlyKey,
      envText: mergeEnvText("", vars),
      envFile: writeRepoEnvFile(vars),
    };
  } catch (error) {
    if (error instanceof CompanyExistsError) {
      return { ok: false, error: "Keyward is already set up. Sign in instead.", fieldErrors: {} };
    }
    throw error;
  }
}
