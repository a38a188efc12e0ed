// The webhook signature of docs/api.md#alerts: `Keyward-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`,
// keyed with the channel's secret. The timestamp lets a receiver refuse replays of an old body.
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "Keyward-Signature";

export function signWebhook(body: string, secret: string, unixSeconds: number): string {
  const mac = createHmac("sha256", secret).update(`${unixSeconds}.${body}`).digest("hex");
  return `t=${unixSeconds},v1=${mac}`;
}

/**
 * What a receiver does (and what the tests do with node:crypto): recompute the MAC over the raw
 * body and compare in constant time; refuse a timestamp older than `toleranceSeconds`.
 */
export function verifyWebhookSignature(
  header: string | undefined,
  body: string,
  secret: string,
  opts: { toleranceSeconds?: number; now?: number } = {},
): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? "");
  if (!match?.[1] || !match[2]) return false;
  const t = Number(match[1]);
  const now = Math.floor((opts.now ?? Date.now()) / 1000);
  if (Math.abs(now - t) > (opts.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(createHmac("sha256", secret).update(`${t}.${body}`).digest("hex"));
  const given = Buffer.from(match[2]);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
