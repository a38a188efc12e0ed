import { KeywardError } from "@keyward/auth-core";
import { ALERT_KINDS, type AlertChannelInput } from "@keyward/core";
import { z } from "zod";
import type { Env } from "../../env";

const channelSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("webhook"),
    url: z.string(),
    secret: z.null().describe("Write-only: never returned"),
    secretSet: z.boolean(),
  }),
  z.object({ type: z.literal("email"), to: z.array(z.string()) }),
]);

export const publicAlertRuleSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(ALERT_KINDS),
  threshold: z.number().nullable(),
  windowSeconds: z.number().nullable(),
  days: z.number().nullable(),
  keyId: z.string().nullable(),
  environment: z.enum(["live", "test"]).nullable(),
  cooldownSeconds: z.number(),
  enabled: z.boolean(),
  channels: z.array(channelSchema),
  lastFiredAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** The webhook body (SPEC §6): rule, key (id, fingerprint, name), counts and window; never a secret. */
export const alertPayloadSchema = z.object({
  id: z.string(),
  type: z.literal("alert.fired"),
  test: z.boolean(),
  firedAt: z.string(),
  summary: z.string(),
  company: z.object({ id: z.string() }),
  rule: z.object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(ALERT_KINDS),
    threshold: z.number().nullable(),
    windowSeconds: z.number().nullable(),
    days: z.number().nullable(),
    environment: z.enum(["live", "test"]).nullable(),
    cooldownSeconds: z.number(),
  }),
  key: z
    .object({ id: z.string(), fingerprint: z.string(), name: z.string(), environment: z.enum(["live", "test"]) })
    .nullable(),
  count: z.number(),
  window: z.object({ start: z.string(), end: z.string(), seconds: z.number() }),
  ip: z.string().optional(),
  expiresAt: z.string().optional(),
});

export const publicAlertSchema = z.object({
  id: z.string(),
  ruleId: z.string(),
  kind: z.enum(ALERT_KINDS),
  keyId: z.string().nullable(),
  count: z.number(),
  windowStart: z.string(),
  windowEnd: z.string(),
  firedAt: z.string(),
  seenAt: z.string().nullable(),
  deliveryStatus: z.enum(["delivered", "pending", "failed", "none"]),
  payload: alertPayloadSchema,
  deliveries: z.array(
    z.object({
      id: z.string(),
      channelType: z.string(),
      target: z.string(),
      attempt: z.number(),
      status: z.enum(["pending", "sending", "succeeded", "failed"]),
      responseStatus: z.number().nullable(),
      error: z.string().nullable(),
      attemptedAt: z.string(),
      nextAttemptAt: z.string().nullable(),
    }),
  ),
});

/** Email channels need SMTP on the API: refused when the rule is saved, not discovered when an alert fails. */
export function assertChannelsDeliverable(env: Env, channels: readonly AlertChannelInput[] | undefined): void {
  const i = channels?.findIndex((c) => c.type === "email") ?? -1;
  if (i < 0 || env.SMTP_URL) return;
  const message = "Email channels need SMTP_URL to be set on the API";
  throw new KeywardError("VALIDATION_FAILED", message, {
    issues: [{ path: ["channels", i], message, code: "custom" }],
  });
}
