// An operator renames, suspends or resumes a company in one request (PATCH /v1/companies/:id, the
// dashboard's Companies page): each change is audited in the company's own log by the helpers it
// reuses, and a change of status hands back the company's key ids for the caller to announce.
import type { Db } from "@keyward/db";
import { z } from "zod";
import type { Actor } from "../audit/append";
import { setCompanySuspended } from "./lifecycle";
import { getCompany, type PublicCompany, publicCompanySchema } from "./list";
import { companyNameSchema, renameCompany } from "./settings";

export const companyIdParamsSchema = z.strictObject({ id: z.uuid() });

export const updateCompanyInputSchema = z
  .strictObject({
    name: companyNameSchema.optional(),
    status: publicCompanySchema.shape.status
      .optional()
      .describe("`suspended` refuses the company's keys and users at once; `active` lets them in again"),
  })
  .refine((body) => Object.keys(body).length > 0, { message: "Send at least one field to change" });

export type UpdateCompanyInput = z.input<typeof updateCompanyInputSchema>;

export interface UpdatedCompany {
  company: PublicCompany;
  /** The company's keys when its status changed: announce them so every cache drops them. */
  keyIds: string[];
}

/** Applies the changes sent; an unknown company is NOT_FOUND before anything is written. */
export async function updateCompany(
  db: Db,
  companyId: string,
  raw: UpdateCompanyInput,
  actor: Actor,
): Promise<UpdatedCompany> {
  const input = updateCompanyInputSchema.parse(raw);
  await getCompany(db, companyId);
  if (input.name !== undefined) await renameCompany(db, companyId, input.name, actor);
  let keyIds: string[] = [];
  if (input.status !== undefined) {
    ({ keyIds } = await setCompanySuspended(db, companyId, input.status === "suspended", actor));
  }
  return { company: await getCompany(db, companyId), keyIds };
}
