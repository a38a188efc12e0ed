import { KeywardError } from "@keyward/auth-core";
import type { AlertChannelInput } from "@keyward/core";
import type { Env } from "../../env";

/** Email channels need SMTP on the API: refused when the rule is saved, not discovered when an alert fails. */
export function assertChannelsDeliverable(env: Env, channels: readonly AlertChannelInput[] | undefined): void {
  const i = channels?.findIndex((c) => c.type === "email") ?? -1;
  if (i < 0 || env.SMTP_URL) return;
  const message = "Email channels need SMTP_URL to be set on the API";
  throw new KeywardError("VALIDATION_FAILED", message, {
    issues: [{ path: ["channels", i], message, code: "custom" }],
  });
}
