"use server";

import {
  changeGuardTokenTtl,
  formatDuration,
  parseDuration,
  regenerateGuardSecret,
  renewGuardToken,
  resolveGuardEncryptionKey,
} from "@keyward/core";
// Settings → Guard (SPEC §5, §7): the guard's shared secret and token lifetime. Each action re-reads
// the member's role on the server and is audited by the service; secrets and tokens go back to the
// browser once, in the action's response, and nowhere else.
import { resolveDataDir } from "@keyward/db";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { env } from "@/env";
import { authorize, type Refusal, refusalFrom, refuse, userActor } from "@/server/action-result";
import { getDb } from "@/server/db";
import { canManageKeys } from "@/server/session";

const WHAT = "change the guard settings";

export type GuardSecretResult = Refusal | { ok: true; secret: string };
export type GuardTokenResult = Refusal | { ok: true; token: string; expiresAt: string };
export type GuardTtlResult = Refusal | { ok: true; message: string };

/** The key that seals the secret, or the refusal that says how to configure one. */
function encryptionKey(): { key: Buffer; refusal: null } | { key: null; refusal: Refusal } {
  try {
    const key = resolveGuardEncryptionKey({
      encryptionKey: env.KEYWARD_ENCRYPTION_KEY,
      nodeEnv: env.NODE_ENV,
      dataDir: resolveDataDir(env.KEYWARD_DATA_DIR),
    });
    return { key, refusal: null };
  } catch (error) {
    return { key: null, refusal: refuse((error as Error).message) };
  }
}

export async function regenerateGuardSecretAction(): Promise<GuardSecretResult> {
  const { member, refusal } = await authorize(canManageKeys, WHAT);
  if (refusal) return refusal;
  const sealing = encryptionKey();
  if (sealing.refusal) return sealing.refusal;
  try {
    const secret = await regenerateGuardSecret(await getDb(), member.companyId, sealing.key, await userActor(member));
    revalidatePath("/settings");
    return { ok: true, secret };
  } catch (error) {
    return refusalFrom(error);
  }
}

export async function changeGuardTtlAction(raw: { ttl: string }): Promise<GuardTtlResult> {
  const { member, refusal } = await authorize(canManageKeys, WHAT);
  if (refusal) return refusal;
  const input = z.strictObject({ ttl: z.string().max(20) }).safeParse(raw);
  const seconds = input.success ? parseDuration(input.data.ttl) : null;
  if (seconds === null || seconds < 60 || seconds > 366 * 86_400) {
    return refuse("Check the highlighted fields.", {
      ttl: "A duration from 1m to 366d: 24h, 90m, 7d, or a number of hours",
    });
  }
  try {
    const ttl = await changeGuardTokenTtl(await getDb(), member.companyId, seconds, await userActor(member));
    revalidatePath("/settings");
    return { ok: true, message: `Guard tokens now last ${formatDuration(ttl)}.` };
  } catch (error) {
    return refusalFrom(error);
  }
}

export async function renewGuardTokenAction(): Promise<GuardTokenResult> {
  const { member, refusal } = await authorize(canManageKeys, WHAT);
  if (refusal) return refusal;
  const sealing = encryptionKey();
  if (sealing.refusal) return sealing.refusal;
  try {
    const issued = await renewGuardToken(await getDb(), member.companyId, sealing.key, await userActor(member));
    return { ok: true, token: issued.token, expiresAt: issued.expiresAt.toISOString() };
  } catch (error) {
    return refusalFrom(error);
  }
}
