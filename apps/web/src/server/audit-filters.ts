import { type AuditFilters, auditExportQuerySchema, text } from "@keyward/core";
import type { Db } from "@keyward/db";
import { z } from "zod";

type SearchParams = Record<string, string | string[] | undefined>;

const one = (value: string | string[] | undefined): string | undefined => {
  const v = Array.isArray(value) ? value[0] : value;
  return v === undefined || v.trim() === "" ? undefined : v.trim();
};

/** `2025-01-31T14:05` from a datetime-local input, read as UTC. */
const localDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/)
  .transform((s) => new Date(`${s.length === 16 ? `${s}:00` : s}.000Z`))
  .refine((d) => !Number.isNaN(d.getTime()));

export interface AuditPageFilters {
  /** As typed, to put back into the form. */
  form: { actor: string; action: string; key: string; from: string; to: string };
  /** For listAuditEvents / auditEventPages: the same filters the API takes. */
  filters: AuditFilters;
  /** When the key search matched several keys, or none: the user picks or retypes. */
  keyMatches: { id: string; name: string; start: string }[] | null;
  problems: string[];
}

/**
 * The audit page's filters from the URL. The key box is a search: a key id, or a name, `start`
 * (kw_live_Ab3d) or fingerprint that matches exactly one of the company's keys.
 */
export async function readAuditFilters(db: Db, companyId: string, params: SearchParams): Promise<AuditPageFilters> {
  const form = {
    actor: one(params.actor) ?? "",
    action: one(params.action) ?? "",
    key: one(params.key) ?? "",
    from: one(params.from) ?? "",
    to: one(params.to) ?? "",
  };
  const problems: string[] = [];
  const raw: Record<string, unknown> = {};
  if (form.actor) raw.actor = form.actor.slice(0, 200);
  if (form.action) raw.action = form.action.slice(0, 100);
  for (const field of ["from", "to"] as const) {
    if (!form[field]) continue;
    const date = localDateTime.safeParse(form[field]);
    if (date.success) raw[field] = date.data.toISOString();
    else problems.push(`“${field === "from" ? "From" : "To"}” is not a date and time.`);
  }

  let keyMatches: AuditPageFilters["keyMatches"] = null;
  // The key box is searched in the database: the same bounds as every other text input.
  const search = text(120).safeParse(form.key.slice(0, 120));
  if (form.key && !search.success) problems.push(`“Key”: ${search.error.issues[0]?.message}`);
  if (form.key && search.success) {
    const q = search.data;
    if (z.uuid().safeParse(q).success) {
      raw.keyId = q;
    } else {
      const found = await db.apiKey.findMany({
        where: {
          companyId,
          OR: [
            { name: { contains: q, mode: "insensitive" } },
            { start: { startsWith: q } },
            ...(/^[0-9a-f]{8}$/.test(q) ? [{ hash: { startsWith: q } }] : []),
          ],
        },
        select: { id: true, name: true, start: true },
        orderBy: { id: "desc" },
        take: 10,
      });
      if (found.length === 1 && found[0]) raw.keyId = found[0].id;
      else keyMatches = found;
    }
  }

  const parsed = auditExportQuerySchema.safeParse(raw);
  if (parsed.success) return { form, filters: parsed.data, keyMatches, problems };
  problems.push(...parsed.error.issues.map((i) => i.message));
  return { form, filters: {}, keyMatches, problems };
}

/** The query string that reproduces `form` (for pagination and the CSV link). */
export function auditQueryString(form: AuditPageFilters["form"], extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries({ ...form, ...extra })) if (value) params.set(name, value);
  const s = params.toString();
  return s ? `?${s}` : "";
}
