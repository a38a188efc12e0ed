"use server";

import { MAX_GRACE_PERIOD_SECONDS, type PublicKey, revokeKey, revokeReasonSchema, rotateKey } from "@keyward/core";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { memberAction, type Refusal, refuse } from "@/server/member-action";
import { canManageKeys } from "@/server/session";

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

// The new secret travels in this action's response only, to be held in the client's memory and shown once.
export type RotateKeyResult = Refusal | { ok: true; key: PublicKey; secret: string; oldKeyExpiresAt: string };
export type RevokeKeyResult = Refusal | { ok: true };

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
