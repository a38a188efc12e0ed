// A fired alert as the API and the dashboard show it: its payload (the webhook body) and every
// delivery attempt, with the delivery status they add up to. The schemas are the one declaration
// of these shapes: the types are inferred from them, and the API documents its answers with them.
import { z } from "zod";
import { environmentSchema } from "../keys/schemas";
import { alertRuleSettingsSchema } from "./public-rule";
import { alertKindSchema } from "./schemas";

/** The body of every alert's webhook (docs/api.md#alerts), and what the dashboard and `GET /v1/alerts` show. Never a secret. */
export const alertPayloadSchema = z.object({
  id: z.string(),
  type: z.literal("alert.fired"),
  test: z.boolean(),
  firedAt: z.string(),
  summary: z.string(),
  company: z.object({ id: z.string() }),
  rule: alertRuleSettingsSchema,
  key: z
    .object({ id: z.string(), fingerprint: z.string(), name: z.string(), environment: environmentSchema })
    .nullable(),
  count: z.number(),
  window: z.object({ start: z.string(), end: z.string(), seconds: z.number() }),
  ip: z.string().optional(),
  expiresAt: z.string().optional(),
});

export type AlertPayload = z.output<typeof alertPayloadSchema>;

export const deliveryStatusSchema = z.enum(["pending", "sending", "succeeded", "failed"]);
export type DeliveryStatus = z.output<typeof deliveryStatusSchema>;

export const publicAlertDeliverySchema = z.object({
  id: z.string(),
  channelType: z.string(),
  target: z.string(),
  attempt: z.number(),
  status: deliveryStatusSchema,
  responseStatus: z.number().nullable(),
  error: z.string().nullable(),
  attemptedAt: z.string(),
  nextAttemptAt: z.string().nullable(),
});

export type PublicAlertDelivery = z.output<typeof publicAlertDeliverySchema>;

export const publicAlertSchema = z.object({
  id: z.string(),
  ruleId: z.string(),
  kind: alertKindSchema,
  keyId: z.string().nullable(),
  count: z.number(),
  windowStart: z.string(),
  windowEnd: z.string(),
  firedAt: z.string(),
  seenAt: z.string().nullable(),
  /** Each channel's latest attempt decides: all succeeded → delivered; any still to try → pending; else failed. */
  deliveryStatus: z.enum(["delivered", "pending", "failed", "none"]),
  payload: alertPayloadSchema,
  deliveries: z.array(publicAlertDeliverySchema),
});

export type PublicAlert = z.output<typeof publicAlertSchema>;

export function deliveryStatusOf(deliveries: readonly PublicAlertDelivery[]): PublicAlert["deliveryStatus"] {
  if (deliveries.length === 0) return "none";
  const latest = new Map<string, PublicAlertDelivery>();
  for (const d of deliveries) {
    const id = `${d.channelType}|${d.target}`;
    const current = latest.get(id);
    if (!current || d.attempt > current.attempt) latest.set(id, d);
  }
  const statuses = [...latest.values()].map((d) => d.status);
  if (statuses.every((s) => s === "succeeded")) return "delivered";
  if (statuses.some((s) => s === "pending" || s === "sending")) return "pending";
  return "failed";
}
