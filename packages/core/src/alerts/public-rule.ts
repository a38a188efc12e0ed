// An alert rule as the API and the dashboard show it: its channels without their secrets.
import type { AlertRule } from "@keyward/db";
import { z } from "zod";
import { environmentSchema } from "../keys/schemas";
import { isoOrNull } from "../public-time";
import { storedChannels } from "./channels";
import { alertKindSchema } from "./schemas";

/** A channel as the API and the dashboard show it: the webhook secret is write-only. */
export const publicChannelSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("webhook"),
    url: z.string(),
    secret: z.null().describe("Write-only: never returned"),
    secretSet: z.boolean(),
  }),
  z.object({ type: z.literal("email"), to: z.array(z.string()) }),
]);

export type PublicChannel = z.output<typeof publicChannelSchema>;

/**
 * What a rule watches and how often it may fire: part of the rule as shown, and the `rule` every one
 * of its alerts' payloads carries (docs/api.md#alerts).
 */
export const alertRuleSettingsSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: alertKindSchema,
  threshold: z.number().nullable(),
  windowSeconds: z.number().nullable(),
  days: z.number().nullable(),
  environment: environmentSchema.nullable(),
  cooldownSeconds: z.number(),
});

export type AlertRuleSettings = z.output<typeof alertRuleSettingsSchema>;

/** The one declaration of a rule as shown; the API validates its answers and documents them with it. */
export const publicAlertRuleSchema = alertRuleSettingsSchema.extend({
  keyId: z.string().nullable(),
  enabled: z.boolean(),
  channels: z.array(publicChannelSchema),
  lastFiredAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export type PublicAlertRule = z.output<typeof publicAlertRuleSchema>;

export function alertRuleSettingsOf(row: AlertRule): AlertRuleSettings {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    threshold: row.threshold,
    windowSeconds: row.windowSeconds,
    days: row.days,
    environment: row.environment,
    cooldownSeconds: row.cooldownSeconds,
  };
}

export function toPublicAlertRule(row: AlertRule): PublicAlertRule {
  return {
    ...alertRuleSettingsOf(row),
    keyId: row.keyId,
    enabled: row.enabled,
    channels: storedChannels(row).map((c) =>
      c.type === "webhook"
        ? { type: "webhook", url: c.url, secret: null, secretSet: Boolean(c.secretEnc) }
        : { type: "email", to: c.to },
    ),
    lastFiredAt: isoOrNull(row.lastFiredAt),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
