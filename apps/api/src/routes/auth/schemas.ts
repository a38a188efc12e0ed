import { environmentSchema, roleSchema } from "@keyward/core";
import type { Db } from "@keyward/db";
import { z } from "zod";
import type { Principal } from "../../auth/authenticate";

/** Who a session or token is: the body of `GET /v1/auth/check` and of a key login. */
export const sessionSummarySchema = z.object({
  authenticated: z.literal(true),
  type: z.enum(["key", "user", "token"]),
  company: z.object({ id: z.string(), name: z.string() }),
  scopes: z.array(z.string()),
  keyId: z.string().optional(),
  userId: z.string().optional(),
  role: roleSchema.optional(),
  environment: environmentSchema.optional(),
  expiresAt: z.string().optional().describe("When the token or session ends; absent for an API key"),
});

export type SessionSummary = z.output<typeof sessionSummarySchema>;

export async function summarize(db: Db, principal: Principal): Promise<SessionSummary> {
  const companyId = principal.type === "key" ? principal.key.companyId : principal.companyId;
  const company = await db.company.findUniqueOrThrow({ where: { id: companyId }, select: { id: true, name: true } });
  switch (principal.type) {
    case "key":
      return {
        authenticated: true,
        type: "key",
        company,
        scopes: principal.key.scopes,
        keyId: principal.key.id,
        environment: principal.key.environment,
      };
    case "token":
      return {
        authenticated: true,
        type: "token",
        company,
        scopes: principal.scopes,
        keyId: principal.keyId,
        environment: principal.environment,
        expiresAt: principal.expiresAt.toISOString(),
      };
    case "user":
      return {
        authenticated: true,
        type: "user",
        company,
        scopes: principal.scopes,
        userId: principal.userId,
        ...(principal.role ? { role: principal.role } : {}),
        expiresAt: principal.expiresAt.toISOString(),
      };
  }
}
