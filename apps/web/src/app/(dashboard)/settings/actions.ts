"use server";

import {
  addScopeResource,
  changeKeyPrefix,
  companyNameSchema,
  keyPrefixSchema,
  removeScopeResource,
  renameCompany,
  scopeResourceInputSchema,
} from "@keyward/core";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { authorize, type Refusal, refusalFrom, refuse, userActor } from "@/server/action-result";
import { getDb } from "@/server/db";
import { fieldErrors } from "@/server/form-errors";
import { canManageKeys } from "@/server/session";

export type SettingsResult = Refusal | { ok: true; message: string };

const WHAT = "change settings";

export async function renameCompanyAction(raw: { name: string }): Promise<SettingsResult> {
  const { member, refusal } = await authorize(canManageKeys, WHAT);
  if (refusal) return refusal;
  const input = z.strictObject({ name: companyNameSchema }).safeParse(raw);
  if (!input.success) return refuse("Check the highlighted fields.", fieldErrors(input.error));
  try {
    const name = await renameCompany(await getDb(), member.companyId, input.data.name, await userActor(member));
    revalidatePath("/", "layout");
    return { ok: true, message: `Company renamed to ${name}.` };
  } catch (error) {
    return refusalFrom(error);
  }
}

export async function changeKeyPrefixAction(raw: { keyPrefix: string }): Promise<SettingsResult> {
  const { member, refusal } = await authorize(canManageKeys, WHAT);
  if (refusal) return refusal;
  const input = z.strictObject({ keyPrefix: keyPrefixSchema }).safeParse(raw);
  if (!input.success) return refuse("Check the highlighted fields.", fieldErrors(input.error));
  try {
    const prefix = await changeKeyPrefix(
      await getDb(),
      member.companyId,
      input.data.keyPrefix,
      await userActor(member),
    );
    revalidatePath("/settings");
    return { ok: true, message: `New keys will start with ${prefix}_. Existing keys keep their prefix.` };
  } catch (error) {
    return refusalFrom(error);
  }
}

export async function addScopeResourceAction(raw: { name: string; description: string }): Promise<SettingsResult> {
  const { member, refusal } = await authorize(canManageKeys, WHAT);
  if (refusal) return refusal;
  const input = scopeResourceInputSchema.safeParse(raw);
  if (!input.success) return refuse("Check the highlighted fields.", fieldErrors(input.error));
  try {
    const added = await addScopeResource(
      await getDb(),
      member.companyId,
      { name: input.data.name, description: input.data.description ?? undefined },
      await userActor(member),
    );
    revalidatePath("/settings");
    revalidatePath("/keys/new");
    return { ok: true, message: `Added ${added.name}: keys can now get ${added.name}:read and ${added.name}:write.` };
  } catch (error) {
    const refusal = refusalFrom(error);
    return { ...refusal, fieldErrors: { name: refusal.error } };
  }
}

export async function removeScopeResourceAction(raw: { id: string }): Promise<SettingsResult> {
  const { member, refusal } = await authorize(canManageKeys, WHAT);
  if (refusal) return refusal;
  const input = z.strictObject({ id: z.uuid() }).safeParse(raw);
  if (!input.success) return refuse("The resource could not be read. Reload the page.");
  try {
    await removeScopeResource(await getDb(), member.companyId, input.data.id, await userActor(member));
    revalidatePath("/settings");
    return { ok: true, message: "Removed." };
  } catch (error) {
    return refusalFrom(error);
  }
}
