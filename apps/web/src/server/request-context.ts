import { headers } from "next/headers";
import { stampedClientIp } from "@/server/client-address";

/** The caller's IP (TRUST_PROXY's rule, see client-address.ts) and user agent, for audit events. */
export async function requestContext(): Promise<{ ip: string | null; userAgent: string | null }> {
  const h = await headers();
  return { ip: stampedClientIp(h), userAgent: h.get("user-agent")?.slice(0, 300) ?? null };
}
