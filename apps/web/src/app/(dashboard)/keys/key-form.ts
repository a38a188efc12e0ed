// The key settings the create and edit forms share (expiry, IP allowlist, rate limit): what the
// browser sends for them, and how each becomes the field core's key schemas take. Client
// components import types only from here.
import { isValidScope } from "@keyward/auth-core";
import { z } from "zod";

export const EXPIRY_DAYS = { "7d": 7, "30d": 30, "90d": 90, "365d": 365 } as const;

export const expiryChoiceSchema = z.enum(["never", "7d", "30d", "90d", "365d", "custom"]);
export type ExpiryChoice = z.output<typeof expiryChoiceSchema>;

/** The form's strings for the shared settings. A server action is a public endpoint: each is bounded. */
export const keySettingsFormShape = {
  expiry: expiryChoiceSchema,
  /** `YYYY-MM-DD` (UTC) when `expiry` is "custom". */
  expiryDate: z.string().max(10),
  ipAllowlist: z.string().max(10_000),
  rateLimit: z.string().max(10),
  rateLimitWindowSeconds: z.string().max(10),
};

/** The expiry as core takes it (ISO or null for never), or "invalid" when the date cannot be read. */
export function expiresAtFromForm(
  expiry: ExpiryChoice,
  expiryDate: string,
  now = Date.now(),
): string | null | "invalid" {
  if (expiry === "never") return null;
  if (expiry === "custom") {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(expiryDate)) return "invalid";
    const date = new Date(`${expiryDate}T00:00:00.000Z`);
    return Number.isNaN(date.getTime()) ? "invalid" : date.toISOString();
  }
  return new Date(now + EXPIRY_DAYS[expiry] * 86_400_000).toISOString();
}

/** A list typed as one string (IPs and CIDR ranges, scopes), separated by commas, spaces or lines. */
export function listFromForm(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The rate limit as core takes it: an empty limit means "no rate limit" (the window has a default). */
export function rateLimitFromForm(
  limit: string,
  windowSeconds: string,
): { limit: number; windowSeconds: number } | null {
  return limit.trim() === "" ? null : { limit: Number(limit), windowSeconds: Number(windowSeconds) };
}

/** The form's values for a key's current expiry: a date in the date picker (UTC), or never. */
export function expiryFormValues(expiresAt: string | null): { expiry: ExpiryChoice; expiryDate: string } {
  return expiresAt ? { expiry: "custom", expiryDate: expiresAt.slice(0, 10) } : { expiry: "never", expiryDate: "" };
}

export type KeySettingsValues = { [K in keyof typeof keySettingsFormShape]: z.input<(typeof keySettingsFormShape)[K]> };

/** Why the first of `scopes` that is not a scope is refused, or null when all are scopes. */
export function badScopeMessage(scopes: string[]): string | null {
  const bad = scopes.find((s) => !isValidScope(s));
  return bad === undefined
    ? null
    : `"${bad}" is not a scope. Use resource:read, resource:write, resource:*, *:read, *:write or *.`;
}

/** What the edit form shows and sends: the shared settings, plus name, scopes and metadata as text. */
export type EditKeyValues = KeySettingsValues & { name: string; scopes: string; metadata: string };

/** The edit form prefilled with a key as it is. */
export function editKeyValues(key: {
  name: string;
  scopes: string[];
  ipAllowlist: string[];
  expiresAt: string | null;
  rateLimit: { limit: number; windowSeconds: number } | null;
  metadata: unknown;
}): EditKeyValues {
  return {
    name: key.name,
    scopes: key.scopes.join(" "),
    ipAllowlist: key.ipAllowlist.join(", "),
    ...expiryFormValues(key.expiresAt),
    rateLimit: key.rateLimit ? String(key.rateLimit.limit) : "",
    rateLimitWindowSeconds: String(key.rateLimit?.windowSeconds ?? 60),
    metadata: key.metadata == null ? "" : JSON.stringify(key.metadata, null, 2),
  };
}
