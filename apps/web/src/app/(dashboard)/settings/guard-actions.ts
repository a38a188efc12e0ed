"use server";

// Settings → Guard (the README's dashboard, §7): the guard's shared secret and token lifetime. Each action re-reads
// the member's role on the server and is audited by the service; secrets and tokens go back to the
// browser once, in the action's response, and nowhere else.
import {
  changeGuardTokenTtl,
  formatDuration,
  parseDuration,
  regenerateGuardSecret,
  renewGuardToken,
} from "@keyward/core";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { memberAction, type Refusal, refuse } from "@/server/member-action";
import { sealingKey } from "@/server/sealing-key";
import { canManageKeys } from "@/server/session";

const WHO = { allowed: canManageKeys, cannot: "change the guard settings" };

export type GuardSecretResult = Refusal | { ok: true; secret: string };
export type GuardTokenResult = Refusal | { ok: true; token: string; expiresAt: string };
export type GuardTtlResult = Refusal | { ok: true; message: string };

/** A token lifetime from one minute to 366 days, in the guard's duration syntax. */
const ttlSchema = z.strictObject({
  ttl: z
    .string()
    .max(20)
    .transform((text) => parseDuration(text))
    .pipe(
      z
        .number()
        .min(60)
        .max(366 * 86_400),
    ),
});
const ttlRefusal = refuse("Check the highlighted fields.", {
  ttl: "A duration from 1m to 366d: 24h, 90m, 7d, or a number of hours",
});

export const regenerateGuardSecretAction = memberAction({ ...WHO, input: z.void() }, async ({ db, member, actor }) => {
  const sealing = sealingKey();
  if (sealing.refusal) return sealing.refusal;
  const secret = await regenerateGuardSecret(db, member.companyId, sealing.key, actor);
  revalidatePath("/settings");
  return { ok: true, secret };
});

export const changeGuardTtlAction = memberAction(
  { ...WHO, input: ttlSchema, invalid: () => ttlRefusal },
  async ({ db, member, input, actor }) => {
    const ttl = await changeGuardTokenTtl(db, member.companyId, input.ttl, actor);
    revalidatePath("/settings");
    return { ok: true, message: `Guard tokens now last ${formatDuration(ttl)}.` };
  },
);

export const renewGuardTokenAction = memberAction({ ...WHO, input: z.void() }, async ({ db, member, actor }) => {
  const sealing = sealingKey();
  if (sealing.refusal) return sealing.refusal;
  const issued = await renewGuardToken(db, member.companyId, sealing.key, actor);
  return { ok: true, token: issued.token, expiresAt: issued.expiresAt.toISOString() };
});
