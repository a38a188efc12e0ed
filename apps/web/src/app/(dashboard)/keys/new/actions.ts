"use server";

import { SCOPE_PRESETS } from "@keyward/auth-core";
import { createKey, createKeyInputSchema, environmentSchema, type PublicKey } from "@keyward/core";
import { z } from "zod";
import { fieldErrors } from "@/server/form-errors";
import { memberAction, type Refusal, refuse } from "@/server/member-action";
import { canManageKeys } from "@/server/session";
import { badScopeMessage, expiresAtFromForm, keySettingsFormShape, listFromForm, rateLimitFromForm } from "../key-form";

/** What the form sends. A server action is a public endpoint, so this is checked before anything else. */
const createKeyFormSchema = z.strictObject({
  name: z.string().max(200),
  preset: z.enum(["admin", "read-only", "custom"]),
  customScopes: z.array(z.string().max(100)).max(100),
  environment: environmentSchema,
  ...keySettingsFormShape,
});

export type CreateKeyForm = z.input<typeof createKeyFormSchema>;

// The secret travels in this action's response only, to be held in the client's memory and shown once.
export type CreateKeyResult = Refusal | { ok: true; key: PublicKey; secret: string };

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
    const badScope = badScopeMessage(scopes);
    if (badScope !== null) return refuse("Check the highlighted fields.", { scopes: badScope });
    if (f.preset === "custom" && scopes.length === 0)
      return refuse("Check the highlighted fields.", { scopes: "Choose at least one scope." });

    const expiry = expiresAtFromForm(f.expiry, f.expiryDate);
    if (expiry === "invalid") return refuse("Check the highlighted fields.", { expiresAt: "Pick a date." });

    const input = createKeyInputSchema.safeParse({
      name: f.name,
      scopes,
      environment: f.environment,
      expiresAt: expiry,
      ipAllowlist: listFromForm(f.ipAllowlist),
      rateLimit: rateLimitFromForm(f.rateLimit, f.rateLimitWindowSeconds),
    });
    if (!input.success) return refuse("Check the highlighted fields.", fieldErrors(input.error));

    const created = await createKey(db, member.companyId, input.data, actor);
    return { ok: true, key: created.key, secret: created.secret };
  },
);
