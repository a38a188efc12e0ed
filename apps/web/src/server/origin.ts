import { env } from "@/env";
import { linkOrigin } from "@/server/link-origin";

/** The dashboard's own origin, for links sent by email (invites, password resets): configured, never from the request. */
export async function dashboardOrigin(): Promise<string> {
  return linkOrigin({ dashboardUrl: env.KEYWARD_DASHBOARD_URL, host: env.WEB_HOST, port: env.WEB_PORT });
}
