// How an alert rule's channels are stored. Webhook secrets are sealed by the caller's SecretBox
// (KEYWARD_ENCRYPTION_KEY) before they reach a row, and no read ever returns one: a rule shows
// `secret: null, secretSet: true`.
import type { AlertRule } from "@keyward/db";

/** The purpose a webhook secret is sealed for: binds it to its company, so rows cannot be swapped across tenants. */
export const webhookSecretPurpose = (companyId: string) => `alert-webhook-secret:${companyId}`;

/** A channel as stored in `alert_rules.channels`. */
export type StoredChannel = { type: "webhook"; url: string; secretEnc: string } | { type: "email"; to: string[] };

export function storedChannels(row: Pick<AlertRule, "channels">): StoredChannel[] {
  return Array.isArray(row.channels) ? (row.channels as unknown as StoredChannel[]) : [];
}
