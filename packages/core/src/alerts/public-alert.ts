// A fired alert as the API and the dashboard show it: its payload (the webhook body) and every
// delivery attempt, with the delivery status they add up to.
import type { AlertKindName } from "./schemas";

/** The body of every alert's webhook, and what the dashboard and `GET /v1/alerts` show. Never a secret. */
export interface AlertPayload {
  id: string;
  type: "alert.fired";
  test: boolean;
  firedAt: string;
  summary: string;
  company: { id: string };
  rule: {
    id: string;
    name: string;
    kind: AlertKindName;
    threshold: number | null;
    windowSeconds: number | null;
    days: number | null;
    environment: "live" | "test" | null;
    cooldownSeconds: number;
  };
  key: { id: string; fingerprint: string; name: string; environment: "live" | "test" } | null;
  count: number;
  window: { start: string; end: string; seconds: number };
  ip?: string;
  expiresAt?: string;
}

export type DeliveryStatus = "pending" | "sending" | "succeeded" | "failed";

export interface PublicAlertDelivery {
  id: string;
  channelType: string;
  target: string;
  attempt: number;
  status: DeliveryStatus;
  responseStatus: number | null;
  error: string | null;
  attemptedAt: string;
  nextAttemptAt: string | null;
}

export interface PublicAlert {
  id: string;
  ruleId: string;
  kind: AlertKindName;
  keyId: string | null;
  count: number;
  windowStart: string;
  windowEnd: string;
  firedAt: string;
  seenAt: string | null;
  /** Each channel's latest attempt decides: all succeeded → delivered; any still to try → pending; else failed. */
  deliveryStatus: "delivered" | "pending" | "failed" | "none";
  payload: AlertPayload;
  deliveries: PublicAlertDelivery[];
}

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
