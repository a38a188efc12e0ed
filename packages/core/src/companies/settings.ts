// Company settings (the README's dashboard): name, key prefix and the scope catalogue. A new prefix applies to
// keys created from then on; existing keys keep theirs (their hash covers it). Each change writes
// its audit event in the same transaction.
import { BUILT_IN_RESOURCES, isValidPrefix, isValidScope, KeywardError } from "@keyward/auth-core";
import type { Db } from "@keyward/db";
import { Prisma } from "@keyward/db";
import { z } from "zod";
import { type Actor, appendAuditEvent } from "../audit/append";
import { text } from "../bounded-input";
import { changeCompanyField } from "./change-field";

const BUILT_IN = new Set<string>([...BUILT_IN_RESOURCES]);

export const companyNameSchema = text(120).trim().min(1, "Enter a name");

export const keyPrefixSchema = z.string().trim().refine(isValidPrefix, "2–10 characters, lower-case a–z and 0–9");

/** A resource name follows auth-core's scope rule (so `name:read` is a scope) and is not a built-in one. */
export const scopeResourceInputSchema = z.strictObject({
  name: z
    .string()
    .trim()
    .refine(
      (name) => !name.includes(":") && name !== "*" && isValidScope(`${name}:read`),
      "Start with a letter; then up to 39 of a–z, 0–9, _ and -",
    )
    .refine((name) => !BUILT_IN.has(name), "That is a built-in resource"),
  description: text(200)
    .trim()
    .optional()
    .transform((d) => d || null),
});

export interface CompanySettings {
  name: string;
  keyPrefix: string;
  scopeResources: { id: string; name: string; description: string | null; createdAt: string }[];
}

export async function getCompanySettings(db: Db, companyId: string): Promise<CompanySettings> {
  const company = await db.company.findUnique({
    where: { id: companyId },
    include: { scopeResources: { orderBy: { name: "asc" } } },
  });
  if (!company) throw new KeywardError("NOT_FOUND", "Company not found");
  return {
    name: company.name,
    keyPrefix: company.keyPrefix,
    scopeResources: company.scopeResources.map((r) => ({
      id: r.id,
      name: r.name,
      description: r.description,
      createdAt: r.createdAt.toISOString(),
    })),
  };
}

/** The company's own resources, for scope pickers: `vehicles` → `vehicles:read`, `vehicles:write`. */
export async function listScopeResourceNames(db: Db, companyId: string): Promise<string[]> {
  const rows = await db.scopeResource.findMany({
    where: { companyId },
    select: { name: true },
    orderBy: { name: "asc" },
  });
  return rows.map((r) => r.name);
}

export async function renameCompany(db: Db, companyId: string, rawName: string, actor: Actor): Promise<string> {
  return changeCompanyField(db, companyId, "name", companyNameSchema.parse(rawName), "company.renamed", actor);
}

export async function changeKeyPrefix(db: Db, companyId: string, rawPrefix: string, actor: Actor): Promise<string> {
  const prefix = keyPrefixSchema.parse(rawPrefix);
  return changeCompanyField(db, companyId, "keyPrefix", prefix, "company.key_prefix_changed", actor);
}

export async function addScopeResource(
  db: Db,
  companyId: string,
  raw: z.input<typeof scopeResourceInputSchema>,
  actor: Actor,
): Promise<{ id: string; name: string; description: string | null }> {
  const input = scopeResourceInputSchema.parse(raw);
  try {
    return await db.$transaction(async (tx) => {
      const row = await tx.scopeResource.create({
        data: { companyId, name: input.name, description: input.description },
      });
      await appendAuditEvent(tx, {
        companyId,
        actor,
        action: "scope_resource.added",
        targetType: "scope_resource",
        targetId: row.id,
        metadata: { name: row.name },
      });
      return { id: row.id, name: row.name, description: row.description };
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      throw new KeywardError("CONFLICT", `“${input.name}” is already in the catalogue`);
    }
    throw error;
  }
}

/** Removes a resource from the catalogue. Keys that already carry its scopes keep them. */
export async function removeScopeResource(db: Db, companyId: string, id: string, actor: Actor): Promise<void> {
  await db.$transaction(async (tx) => {
    const row = await tx.scopeResource.findFirst({ where: { id, companyId } });
    if (!row) throw new KeywardError("NOT_FOUND", "Resource not found");
    await tx.scopeResource.delete({ where: { id: row.id } });
    await appendAuditEvent(tx, {
      companyId,
      actor,
      action: "scope_resource.removed",
      targetType: "scope_resource",
      targetId: row.id,
      metadata: { name: row.name },
    });
  });
}
