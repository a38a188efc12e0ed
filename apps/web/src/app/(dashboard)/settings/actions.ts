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
import { memberAction, type Refusal } from "@/server/member-action";
import { canManageKeys } from "@/server/session";

export type SettingsResult = Refusal | { ok: true; message: string };

const WHO = { allowed: canManageKeys, cannot: "change settings" };

export const renameCompanyAction = memberAction(
  { ...WHO, input: z.strictObject({ name: companyNameSchema }) },
  async ({ db, member, input, actor }) => {
    const name = await renameCompany(db, member.companyId, input.name, actor);
    revalidatePath("/", "layout");
    return { ok: true, message: `Company renamed to ${name}.` };
  },
);

export const changeKeyPrefixAction = memberAction(
  { ...WHO, input: z.strictObject({ keyPrefix: keyPrefixSchema }) },
  async ({ db, member, input, actor }) => {
    const prefix = await changeKeyPrefix(db, member.companyId, input.keyPrefix, actor);
    revalidatePath("/settings");
    return { ok: true, message: `New keys will start with ${prefix}_. Existing keys keep their prefix.` };
  },
);

export const addScopeResourceAction = memberAction(
  // The form shows field errors only: a refused name (already there, reserved) is shown under it.
  { ...WHO, input: scopeResourceInputSchema, refusalField: "name" },
  async ({ db, member, input, actor }) => {
    const added = await addScopeResource(
      db,
      member.companyId,
      { name: input.name, description: input.description ?? undefined },
      actor,
    );
    revalidatePath("/settings");
    revalidatePath("/keys/new");
    return { ok: true, message: `Added ${added.name}: keys can now get ${added.name}:read and ${added.name}:write.` };
  },
);

export const removeScopeResourceAction = memberAction(
  { ...WHO, input: z.strictObject({ id: z.uuid() }), invalid: "The resource could not be read. Reload the page." },
  async ({ db, member, input, actor }) => {
    await removeScopeResource(db, member.companyId, input.id, actor);
    revalidatePath("/settings");
    return { ok: true, message: "Removed." };
  },
);
