// The shapes of key requests, shared by the API (validation and OpenAPI) and the dashboard's forms.
import { ENVIRONMENTS, hashKey, isValidAllowlistEntry, isValidScope, KEY_STATUSES } from "@keyward/auth-core";
import { z } from "zod";
import { jsonObject, text, timestamp } from "../bounded-input";

const MAX_RATE_LIMIT_WINDOW_SECONDS = 86_400;

/** A key's environment, the second part of its secret (`kw_live_…`, `kw_test_…`). */
export const environmentSchema = z.enum(ENVIRONMENTS);

export const scopeSchema = z.string().max(100).refine(isValidScope, {
  message: "Not a scope: use resource:read, resource:write, resource:*, *:read, *:write or *",
});

export const ipAllowlistSchema = z
  .array(z.string().max(64).refine(isValidAllowlistEntry, { message: "Not an IP address or CIDR range" }))
  .max(100);

export const rateLimitSchema = z.strictObject({
  limit: z.int().min(1).max(1_000_000),
  windowSeconds: z.int().min(1).max(MAX_RATE_LIMIT_WINDOW_SECONDS),
});

/** Labels for a key: at most 8 KB of JSON, 10 levels deep. */
export const metadataSchema = jsonObject({ maxKeyLength: 100, maxDepth: 10, maxBytes: 8_192 });

export const createKeyInputSchema = z.strictObject({
  name: text(120).trim().min(1),
  scopes: z.array(scopeSchema).min(1).max(100),
  environment: environmentSchema,
  expiresAt: timestamp()
    .refine((d) => d.getTime() > Date.now(), { message: "Must be in the future" })
    .nullish(),
  ipAllowlist: ipAllowlistSchema.optional(),
  rateLimit: rateLimitSchema.nullish(),
  metadata: metadataSchema.nullish(),
});

export type CreateKeyInput = z.output<typeof createKeyInputSchema>;

export const keyStatusSchema = z.enum(KEY_STATUSES);

/** A list's status filter: one status, or `current` (active or expiring: every key that still works). */
export const keyStatusFilterSchema = z.enum([...KEY_STATUSES, "current"]);

export const listKeysQuerySchema = z
  .strictObject({
    environment: environmentSchema.optional(),
    status: keyStatusFilterSchema.optional(),
    q: text(120).trim().optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
    /** The page after this key (older keys): `nextCursor` of the page before. */
    cursor: z.uuid().optional(),
    /** The page before this key (newer keys): `prevCursor` of the page after, as Stripe's `ending_before`. */
    before: z.uuid().optional(),
  })
  .refine((q) => q.cursor === undefined || q.before === undefined, {
    message: "Give cursor or before, not both",
    path: ["before"],
  });

export type ListKeysQuery = z.output<typeof listKeysQuerySchema>;

export const MAX_GRACE_PERIOD_SECONDS = 7 * 24 * 3600;

export const updateKeyInputSchema = z
  .strictObject({
    name: createKeyInputSchema.shape.name.optional(),
    scopes: createKeyInputSchema.shape.scopes.optional(),
    ipAllowlist: ipAllowlistSchema.optional(),
    rateLimit: rateLimitSchema.nullable().optional(),
    expiresAt: createKeyInputSchema.shape.expiresAt,
    metadata: metadataSchema.nullable().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: "Send at least one field to change" });

export type UpdateKeyInput = z.output<typeof updateKeyInputSchema>;

export const rotateKeyInputSchema = z.strictObject({
  gracePeriodSeconds: z.int().min(0).max(MAX_GRACE_PERIOD_SECONDS).default(0),
});

/** Why a key was revoked; the dashboard's revoke form takes it too. */
export const revokeReasonSchema = text(500).trim();

export const revokeKeyInputSchema = z.strictObject({
  reason: revokeReasonSchema.min(1).optional(),
});

export const keyIdParamsSchema = z.strictObject({ id: z.uuid() });

/** Keys one import may bring. */
export const MAX_IMPORT_KEYS = 1000;
/** `start` of an imported key whose caller did not give one: the plaintext was never seen. */
export const IMPORTED_START_PLACEHOLDER = "imported";

export const importedKeySchema = createKeyInputSchema
  .extend({
    hash: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, { message: "Must be the SHA-256 of the key, as 64 hex characters" })
      // Stored hashes are lowercase: an uppercase hash would never match a presented key.
      .transform((s) => s.toLowerCase()),
    start: z
      .string()
      .max(20)
      .regex(/^[\x21-\x7e]+$/, { message: "Printable ASCII without spaces" })
      .optional()
      .describe(`The key's first characters, for display; "${IMPORTED_START_PLACEHOLDER}" when absent`),
  })
  // A plaintext pasted as `start` would be stored; a secret is only ever stored as its hash.
  .refine((k) => k.start === undefined || hashKey(k.start) !== k.hash, {
    path: ["start"],
    message: "start must be the beginning of the key, not the key itself",
  });

export const importKeysInputSchema = z.strictObject({
  keys: z.array(importedKeySchema).min(1).max(MAX_IMPORT_KEYS),
});

export type ImportedKeyInput = z.output<typeof importedKeySchema>;
