// An alert rule as the API and the dashboard show it: its channels without their secrets.
import type { AlertRule } from "@keyward/db";
import { isoOrNull } from "../public-time";
import { storedChannels } from "./channels";
import type { AlertKindName } from "./schemas";

/** A channel as the API and the dashboard show it: the webhook secret is write-only. */
export type PublicChannel =
  | { type: "webhook"; url: string; secret: null; secretSet: boolean }
  | { type: "email"; to: string[] };

export interface PublicAlertRule {
  id: string;
  name: string;
  kind: AlertKindName;
  threshold: number | null;
  windowSeconds: number | null;
  days: number | null;
  keyId: string | null;
  environment: "live" | "test" | null;
  cooldownSeconds: number;
  enabled: boolean;
  channels: PublicChannel[];
  lastFiredAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export function toPublicAlertRule(row: AlertRule): PublicAlertRule {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    threshold: row.threshold,
    windowSeconds: row.windowSeconds,
    days: row.days,
    keyId: row.keyId,
    environment: row.environment,
    cooldownSeconds: row.cooldownSeconds,
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
