"use server";

import {
  MAX_GRACE_PERIOD_SECONDS,
  type PublicKey,
  revokeKey,
  revokeReasonSchema,
  rotateKey,
  updateKey,
  updateKeyInputSchema,
} from "@keyward/core";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { fieldErrors } from "@/server/form-errors";
import { memberAction, type Refusal, refuse } from "@/server/member-action";
import { canManageKeys } from "@/server/session";
import { badScopeMessage, expiresAtFromForm, keySettingsFormShape, listFromForm, rateLimitFromForm } from "../key-form";

// The grace periods the dashboard offers (the README's dashboard), in seconds.
const GRACE_SECONDS = { now: 0, "1h": 3_600, "24h": 86_400, "7d": MAX_GRACE_PERIOD_SECONDS } as const;

const rotateSchema = z.strictObject({
  keyId: z.uuid(),
  grace: z.enum(["now", "1h", "24h", "7d"], { error: "Choose when the old key stops working." }),
});

const revokeSchema = z.strictObject({
  keyId: z.uuid(),
  reason: revokeReasonSchema.optional(),
});

/**
 * What the edit form sends: only the fields the member changed, so a field left alone is not
 * rewritten (an expiry keeps its time of day, which the date picker does not show). An expiry comes
 * with its date, a rate limit with its window.
 */
const editSchema = z.strictObject({
  keyId: z.uuid(),
  name: z.string().max(200).optional(),
  scopes: z.string().max(10_000).optional(),
  ipAllowlist: keySettingsFormShape.ipAllowlist.optional(),
  expiry: keySettingsFormShape.expiry.optional(),
  expiryDate: keySettingsFormShape.expiryDate.optional(),
  rateLimit: keySettingsFormShape.rateLimit.optional(),
  rateLimitWindowSeconds: keySettingsFormShape.rateLimitWindowSeconds.optional(),
  metadata: z.string().max(20_000).optional(),
});

export type EditKeyForm = z.input<typeof editSchema>;

// The new secret travels in this action's response only, to be held in the client's memory and shown once.
export type RotateKeyResult = Refusal | { ok: true; key: PublicKey; secret: string; oldKeyExpiresAt: string };
export type RevokeKeyResult = Refusal | { ok: true };
export type EditKeyResult = Refusal | { ok: true; key: PublicKey };

const CHECK = "Check the highlighted fields.";

/** The metadata text as JSON: empty clears it; anything else must be a JSON object (core bounds its size and depth). */
function metadataFromForm(text: string): { value: unknown } | { error: string } {
  if (text.trim() === "") return { value: null };
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      return { error: 'Write a JSON object, e.g. {"team": "billing"}, or leave it empty.' };
    }
    return { value };
  } catch {
    return { error: "Not valid JSON." };
  }
}

export const rotateKeyAction = memberAction(
  {
    allowed: canManageKeys,
    cannot: "rotate keys",
    input: rotateSchema,
    invalid: (error) => refuse("Choose when the old key stops working.", { grace: error.issues[0]?.message }),
  },
  async ({ db, member, input, actor }) => {
    const rotated = await rotateKey(db, member.companyId, input.keyId, GRACE_SECONDS[input.grace], actor);
    // No revalidatePath here: refreshing this page would re-render the form that holds the new
    // secret before it is shown. "Done" is a full page load that reads everything afresh.
    return { ok: true, key: rotated.key, secret: rotated.secret, oldKeyExpiresAt: rotated.oldKeyExpiresAt };
  },
);

export const revokeKeyAction = memberAction(
  {
    allowed: canManageKeys,
    cannot: "revoke keys",
    input: revokeSchema,
    invalid: (error) => refuse("Check the highlighted fields.", { reason: error.issues[0]?.message }),
  },
  async ({ db, member, input, actor }) => {
    await revokeKey(db, member.companyId, input.keyId, input.reason || undefined, actor);
    revalidatePath("/keys");
    return { ok: true };
  },
);

export const editKeyAction = memberAction(
  {
    allowed: canManageKeys,
    cannot: "edit keys",
    input: editSchema,
    invalid: "The form could not be read. Reload the page and try again.",
  },
  async ({ db, member, input: f, actor }) => {
    // The form's strings become core's update input; core's schema then judges it as the API's does.
    const changes: Record<string, unknown> = {};
    if (f.name !== undefined) {
      if (f.name.trim() === "") return refuse(CHECK, { name: "Give the key a name." });
      changes.name = f.name;
    }
    if (f.scopes !== undefined) {
      const scopes = listFromForm(f.scopes);
      if (scopes.length === 0) return refuse(CHECK, { scopes: "Give at least one scope." });
      const badScope = badScopeMessage(scopes);
      if (badScope !== null) return refuse(CHECK, { scopes: badScope });
      changes.scopes = scopes;
    }
    if (f.ipAllowlist !== undefined) changes.ipAllowlist = listFromForm(f.ipAllowlist);
    if (f.expiry !== undefined) {
      const expiresAt = expiresAtFromForm(f.expiry, f.expiryDate ?? "");
      if (expiresAt === "invalid") return refuse(CHECK, { expiresAt: "Pick a date." });
      changes.expiresAt = expiresAt;
    }
    if (f.rateLimit !== undefined) changes.rateLimit = rateLimitFromForm(f.rateLimit, f.rateLimitWindowSeconds ?? "60");
    if (f.metadata !== undefined) {
      const metadata = metadataFromForm(f.metadata);
      if ("error" in metadata) return refuse(CHECK, { metadata: metadata.error });
      changes.metadata = metadata.value;
    }
    if (Object.keys(changes).length === 0) return refuse("Nothing to save: change a field first.");

    const input = updateKeyInputSchema.safeParse(changes);
    if (!input.success) return refuse(CHECK, fieldErrors(input.error));
    // updateKey is the API's PATCH /v1/keys/:id: its grant check, the revoked-key refusal, the audit event.
    const key = await updateKey(db, member.companyId, f.keyId, input.data, actor);
    revalidatePath("/keys");
    return { ok: true, key };
  },
);
