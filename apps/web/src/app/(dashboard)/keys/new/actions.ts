"use server";

import { isValidScope, SCOPE_PRESETS } from "@keyward/auth-core";
import { createKey, createKeyInputSchema, environmentSchema, type PublicKey } from "@keyward/core";
import { z } from "zod";
import { fieldErrors } from "@/server/form-errors";
import { memberAction, type Refusal, refuse } from "@/server/member-action";
import { canManageKeys } from "@/server/session";

const EXPIRY_DAYS = { "7d": 7, "30d": 30, "90d": 90, "365d": 365 } as const;

/** What the form sends. A server action is a public endpoint, so this is checked before anything else. */
const createKeyFormSchema = z.strictObject({
  name: z.string().max(200),
  preset: z.enum(["admin", "read-only", "custom"]),
  customScopes: z.array(z.string().max(100)).max(100),
  environment: environmentSchema,
  expiry: z.enum(["never", "7d", "30d", "90d", "365d", "custom"]),
  expiryDate: z.string().max(10),
  ipAllowlist: z.string().max(10_000),
  rateLimit: z.string().max(10),
  rateLimitWindowSeconds: z.string().max(10),
});

export type CreateKeyForm = z.input<typeof createKeyFormSchema>;

// The secret travels in this action's response only, to be held in the client's memory and shown once.
export type CreateKeyResult = Refusal | { ok: true; key: PublicKey; secret: string };

function expiresAt(form: z.output<typeof createKeyFormSchema>): string | null | "invalid" {
  if (form.expiry === "never") return null;
  if (form.expiry === "custom") {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(form.expiryDate)) return "invalid";
    const date = new Date(`${form.expiryDate}T00:00:00.000Z`);
    return Number.isNaN(date.getTime()) ? "invalid" : date.toISOString();
  }
  return new Date(Date.now() + EXPIRY_DAYS[form.expiry] * 86_400_000).toISOString();
}

export const createKeyAction = memberAction(
  {
    allowed: canManageKeys,
    // The role is read from the database for this request, not taken from the session token.
    cannot: (role) => `Your role (${role}) can view keys but not create them. Ask an owner or admin of your company.`,
    signedOut: "Your session has ended. Sign in again to create a key.",
    input: createKeyFormSchema,
    invalid: "The form could not be read. Reload the page and try again.",
  },
  async ({ db, member, input: f, actor }) => {
    if (f.name.trim() === "") return refuse("Check the highlighted fields.", { name: "Give the key a name." });

    const scopes =
      f.preset === "custom"
        ? [...new Set(f.customScopes.map((s) => s.trim()).filter(Boolean))]
        : [...SCOPE_PRESETS[f.preset]];
    const badScope = scopes.find((s) => !isValidScope(s));
    if (badScope !== undefined) {
      return refuse("Check the highlighted fields.", {
        scopes: `"${badScope}" is not a scope. Use resource:read, resource:write, resource:*, *:read, *:write or *.`,
      });
    }
    if (f.preset === "custom" && scopes.length === 0)
      return refuse("Check the highlighted fields.", { scopes: "Choose at least one scope." });

    const expiry = expiresAt(f);
    if (expiry === "invalid") return refuse("Check the highlighted fields.", { expiresAt: "Pick a date." });

    // The window has a default in the form; an empty limit means "no rate limit".
    const hasRateLimit = f.rateLimit.trim() !== "";
    const input = createKeyInputSchema.safeParse({
      name: f.name,
      scopes,
      environment: f.environment,
      expiresAt: expiry,
      ipAllowlist: f.ipAllowlist
        .split(/[\s,]+/)
        .map((s) => s.trim())
        .filter(Boolean),
      rateLimit: hasRateLimit ? { limit: Number(f.rateLimit), windowSeconds: Number(f.rateLimitWindowSeconds) } : null,
    });
    if (!input.success) return refuse("Check the highlighted fields.", fieldErrors(input.error));

    const created = await createKey(db, member.companyId, input.data, actor);
    return { ok: true, key: created.key, secret: created.secret };
  },
);
