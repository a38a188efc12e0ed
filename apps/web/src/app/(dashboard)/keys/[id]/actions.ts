"use server";

import { MAX_GRACE_PERIOD_SECONDS, type PublicKey, revokeKey, revokeReasonSchema, rotateKey } from "@keyward/core";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { authorize, type Refusal, refusalFrom, refuse, userActor } from "@/server/action-result";
import { getDb } from "@/server/db";
import { canManageKeys } from "@/server/session";

// The grace periods the dashboard offers (SPEC §5), in seconds.
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

export async function rotateKeyAction(raw: z.input<typeof rotateSchema>): Promise<RotateKeyResult> {
  const { member, refusal } = await authorize(canManageKeys, "rotate keys");
  if (refusal) return refusal;
  const input = rotateSchema.safeParse(raw);
  if (!input.success)
    return refuse("Choose when the old key stops working.", { grace: input.error.issues[0]?.message });
  try {
    const rotated = await rotateKey(
      await getDb(),
      member.companyId,
      input.data.keyId,
      GRACE_SECONDS[input.data.grace],
      await userActor(member),
    );
    // No revalidatePath here: refreshing this page would re-render the form that holds the new
    // secret before it is shown. "Done" is a full page load that reads everything afresh.
    return { ok: true, key: rotated.key, secret: rotated.secret, oldKeyExpiresAt: rotated.oldKeyExpiresAt };
  } catch (error) {
    return refusalFrom(error);
  }
}

export async function revokeKeyAction(raw: z.input<typeof revokeSchema>): Promise<RevokeKeyResult> {
  const { member, refusal } = await authorize(canManageKeys, "revoke keys");
  if (refusal) return refusal;
  const input = revokeSchema.safeParse(raw);
  if (!input.success) {
    return refuse("Check the highlighted fields.", { reason: input.error.issues[0]?.message });
  }
  try {
    await revokeKey(
      await getDb(),
      member.companyId,
      input.data.keyId,
      input.data.reason || undefined,
      await userActor(member),
    );
    revalidatePath("/keys");
    return { ok: true };
  } catch (error) {
    return refusalFrom(error);
  }
}
